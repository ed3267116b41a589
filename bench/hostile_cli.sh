#!/usr/bin/env bash
# The issue's hostile inputs through the command line, timed, with peak memory: each command
# under `timeout` and `/usr/bin/time`, for every binary given, side by side in one run.
#
#   bench/hostile_cli.sh                      # target/release/quotewire
#   bench/hostile_cli.sh OLD_BINARY NEW_BINARY  # e.g. a build of an earlier commit beside this one
#
# Inputs are generated into a temporary folder (nothing is committed). Prints a markdown table:
# input, size, then per binary seconds, peak RSS (MB = 10^6 bytes) and exit code ("killed" past
# the time limit, QW_LIMIT seconds, 60 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=(target/release/quotewire)
limit=${QW_LIMIT:-60}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" <<'EOF'
import sys, os
d = sys.argv[1]
def w(name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(os.path.join(d, name), mode) as f:
        f.write(data)
rss = lambda items: '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>' + items + '</channel></rss>'
item = lambda i, desc='A teaser.': f'<item><title>Entry {i}</title><link>https://e.example/{i}</link><description>{desc}</description></item>\n'
w('feed-utf16-declared-utf8.xml', rss(item(0)).encode('utf-16-le'))
w('feed-escaped-nesting.xml', rss(item(0, '&lt;b&gt;' * 100000 + 'x')))
w('feed-xhtml-nesting.xml', '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>x</title><content type="xhtml">' + '<div>' * 60000 + 'x' + '</div>' * 60000 + '</content></entry></feed>')
w('feed-52000-entries.xml', rss(''.join(item(i, f'&lt;p&gt;A teaser for entry {i}, a few words about the talks in Baghdad.&lt;/p&gt;') for i in range(52000))))
w('page-20000-spans.html', '<html><body><article><p>Text.</p>' + '<span>' * 20000 + 'deep</body></html>')
w('page-100000-divs.html', '<html><body>' + '<div>' * 100000 + 'deep' + '</div>' * 100000 + '</body></html>')
w('page-10mib-lt.html', '<' * (10 * 1024 * 1024))
w('page-reopened-formatting.html', '<body>' + ''.join(f'<p><b id={i}>x</p>' for i in range(10000)))
w('page-40000-quote-paragraphs.html', '<html><body><article>' + '<p>“We will not allow this to happen again,” the spokesman said.</p>' * 40000 + '</article></body></html>')
import random
random.seed(1)
words = ['the', 'said', '"quote', 'now"', 'he', 'told', 'Reuters', '“Yes', 'no”', ',', 'and']
w('text-10mb-one-line.txt', ' '.join(random.choice(words) for _ in range(2_000_000)))
w('text-40000-attributed-quotes.txt', '\n\n'.join(['“We will not allow this to happen again,” the spokesman said.'] * 40000))
w('post-10mb-one-line.md', 'January 2nd\n\nAccording to Reuters:\n\n> ' + ' '.join(random.choice(words) for _ in range(2_000_000)))
w('post-html-100000-divs.html', '<html><body><h2>January 2nd</h2><p>According to Reuters:</p>' + '<div>' * 100000 + '<blockquote>The talks will resume next week, officials said.</blockquote>' + '</div>' * 100000 + '</body></html>')
EOF

command_for() {
  case "$1" in
    feed-*) echo "feed inspect";;
    page-*) echo "article extract";;
    text-*) echo "quotes extract";;
    post-*) echo "verify";;
  esac
}

header="| input | size |"
rule="|---|---:|"
for b in "${bins[@]}"; do
  header+=" $b: s | MB | exit |"
  rule+="---:|---:|---:|"
done
echo "$header"
echo "$rule"
for f in "$dir"/*; do
  name=$(basename "$f")
  size=$(stat -c %s "$f")
  row="| $name ($(command_for "$name")) | $(python3 -c "print(f'{$size/1e6:.1f} MB')") |"
  for b in "${bins[@]}"; do
    db="$dir/db-$RANDOM"
    read -r -a cmd <<<"$(command_for "$name")"
    set +e
    /usr/bin/time -f "%e %M" -o "$dir/time" timeout "$limit" "$b" --db "$db" --config feeds.toml "${cmd[@]}" "$f" >/dev/null 2>&1
    rc=$?
    set -e
    read -r secs kb < <(tail -1 "$dir/time")
    mb=$(python3 -c "print(f'{$kb*1024/1e6:.0f}')")
    case "$rc" in 124) rc=killed;; 134) rc="134 (abort)";; esac
    row+=" $secs | $mb | $rc |"
  done
  echo "$row"
done
