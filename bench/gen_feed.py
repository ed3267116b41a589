#!/usr/bin/env python3
"""Write a large, deterministic RSS 2.0 feed for parser benchmarks.

Usage: gen_feed.py OUT [N]

N defaults to 5000 items. Each item has a title, a link on a real outlet domain,
a guid, a pubDate, dc:creator, category, a description, and content:encoded
(CDATA) holding about 1.3 KB of generated wire-style prose with quotes. With the
default N the file is about 8-10 MB. The output depends only on N: the random
generator is seeded with a fixed value.

Only the standard library is used.
"""

import random
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

SEED = 20191227

OUTLETS = [
    "https://www.aljazeera.com/news/{y}/{m}/{d}/{slug}",
    "https://www.middleeasteye.net/news/{slug}",
    "https://www.newarab.com/news/{slug}",
    "https://english.news.cn/{y}{m:02d}{d:02d}/{hexid}/c.html",
    "https://www.thedefensepost.com/{y}/{m:02d}/{d:02d}/{slug}/",
    "https://news.antiwar.com/{y}/{m:02d}/{d:02d}/{slug}/",
    "https://www.militarytimes.com/news/your-military/{y}/{m:02d}/{d:02d}/{slug}/",
    "https://www.bbc.co.uk/news/world-middle-east-{num}",
]

FIRST = ["Karim", "Layla", "Omar", "Rania", "Sami", "Hadi", "Zainab", "Ali", "Nadia",
         "Yusuf", "Maria", "Tom", "Daniel", "Ruth", "Hassan", "Salman", "Mustafa", "Farid",
         "Haidar", "Ammar", "Noor", "Elias", "Shwan", "Rebwar", "Jalal", "Dina"]
LAST = ["Haddad", "Mansour", "Saleh", "Yassin", "Darwish", "Kadhim", "Hashem", "Sabah",
        "Karam", "Barakat", "Lindqvist", "Ashcroft", "Whitford", "Callahan", "Abdulridha",
        "Jaber", "Rahim", "Nouri", "Mousa", "Faleh", "Aziz", "Marrow", "Karim", "Sabri"]
ROLES = ["a protester", "a security analyst in Baghdad", "an engineer at the field",
         "a local official", "a shopkeeper in Karrada", "a university lecturer",
         "a spokesman for the provincial council", "a researcher who follows Iraq's armed groups",
         "a resident of Nasiriya", "a former army officer", "a taxi driver near Tahrir Square",
         "a coalition spokesperson", "a member of parliament", "an oil ministry official"]
PLACES = ["Baghdad", "Kirkuk", "Nasiriya", "Basra", "al-Qaim", "Karbala", "Najaf",
          "Mosul", "Erbil", "Dhi Qar province", "Anbar province", "the Green Zone"]
TOPICS = [
    ("rocket attack", ["K1 base", "rockets", "contractor", "service members", "launchers"]),
    ("air strikes", ["Kataib Hezbollah", "weapons depots", "command posts", "fighters", "Pentagon"]),
    ("embassy protest", ["US embassy", "reception area", "tear gas", "crowds", "Marines"]),
    ("oilfield shutdown", ["Nasiriya oilfield", "barrels a day", "jobs", "protesters", "pumps"]),
    ("airport strike", ["Baghdad airport", "convoy", "drone", "Quds Force", "funerals"]),
]
HEADLINES = [
    "{Place} braces after {topic} as tensions rise",
    "Officials in {place} assess damage from {topic}",
    "{topic_cap} prompts calls for calm in {place}",
    "Witnesses describe {topic} near {place}",
    "Iraq's leaders meet in {place} after {topic}",
    "Analysts weigh fallout of {topic} for {place}",
    "Residents of {place} count the cost of {topic}",
]
SENTENCES = [
    "Officials in {place} said the {k0} had been {verb} on {day}, and that an investigation was under way.",
    "The {k1} were {verb} after the {topic}, according to two security sources who asked not to be named.",
    "Witnesses described {k2} moving through the streets of {place} as {k3} gathered at checkpoints.",
    "A statement from the provincial council said the {k4} would be reviewed over the coming days.",
    "Local television showed {k3} near the {k0}, while police closed several roads into {place}.",
    "The incident was the latest in a series of events linked to the {topic} that began earlier in the week.",
    "Diplomats in {place} said they were monitoring the situation closely and urged restraint on all sides.",
    "Security forces were deployed around the {k0}, and traffic was diverted away from the area for several hours.",
    "It was not immediately clear how many people had been {verb}, and officials gave conflicting figures.",
]
VERBS = ["hit", "damaged", "closed", "reopened", "secured", "evacuated", "targeted", "reported"]
DAYS = ["Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"]
QUOTES = [
    "We have waited too long for anyone to listen to us",
    "Nobody knows what will happen tomorrow, and that is what frightens people",
    "The situation is under control, but we are asking everyone to stay calm",
    "This is a dangerous escalation that nobody can control now",
    "We will stay here until our demands are met",
    "The first explosions came just after dark and then they kept coming",
    "Every government promises jobs and every government forgets us",
    "There are many questions that still need answers",
]
CATEGORIES = ["Iraq", "United States", "Iran", "Syria", "Economy", "Oil", "Security", "Politics"]


def slugify(text):
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def paragraph(rng, topic, keys):
    parts = []
    for tpl in rng.sample(SENTENCES, rng.randint(2, 3)):
        parts.append(tpl.format(place=rng.choice(PLACES), topic=topic, verb=rng.choice(VERBS),
                                day=rng.choice(DAYS), k0=keys[0], k1=keys[1], k2=keys[2],
                                k3=keys[3], k4=keys[4]))
    return " ".join(parts)


def quote_paragraph(rng):
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f'"{rng.choice(QUOTES)}," said {name}, {rng.choice(ROLES)}.'


def make_content(rng, topic, keys, target=1300):
    """Whole paragraphs, alternating prose and quotes, about `target` bytes in all."""
    paras = []
    size = 0
    while size < target:
        if len(paras) % 2 == 1:
            text = quote_paragraph(rng)
        else:
            text = paragraph(rng, topic, keys)
        p = f"<p>{escape(text)}</p>"
        # Skip a paragraph that would overshoot by a lot once the text is long enough.
        if size + len(p) > target * 1.1 and size >= target * 0.85:
            break
        paras.append(p)
        size += len(p) + 1
    return "\n".join(paras)


def make_item(rng, i, start):
    topic, keys = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    title = rng.choice(HEADLINES).format(Place=place[0].upper() + place[1:], place=place,
                                         topic=topic, topic_cap=topic.capitalize())
    # Move backwards in time from the newest item, staying inside the fixture window.
    when = start - timedelta(seconds=i * 97 % (7 * 24 * 3600) + rng.randint(0, 59))
    tpl = rng.choice(OUTLETS)
    slug = f"{slugify(title)}-{i}"
    link = tpl.format(y=when.year, m=when.month, d=when.day, slug=slug,
                      hexid="%032x" % rng.getrandbits(128), num=50_000_000 + i)
    guid = f"bench-{i:07d}-{rng.getrandbits(32):08x}"
    creator = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    cats = rng.sample(CATEGORIES, rng.randint(1, 2))
    description = paragraph(rng, topic, keys)[:160].rsplit(" ", 1)[0] + "..."
    content = make_content(rng, topic, keys)
    lines = [
        "    <item>",
        f"      <title>{escape(title)}</title>",
        f"      <link>{escape(link)}</link>",
        f'      <guid isPermaLink="false">{guid}</guid>',
        f"      <pubDate>{format_datetime(when)}</pubDate>",
        f"      <dc:creator>{escape(creator)}</dc:creator>",
    ]
    lines += [f"      <category>{escape(c)}</category>" for c in cats]
    lines += [
        f"      <description>{escape(description)}</description>",
        f"      <content:encoded><![CDATA[{content}]]></content:encoded>",
        "    </item>",
    ]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) < 2 or len(argv) > 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    try:
        n = int(argv[2]) if len(argv) == 3 else 5000
    except ValueError:
        print(f"gen_feed.py: N must be an integer, got {argv[2]!r}", file=sys.stderr)
        return 2
    if n < 0:
        print("gen_feed.py: N must be >= 0", file=sys.stderr)
        return 2
    rng = random.Random(SEED)
    start = datetime(2020, 1, 3, 23, 59, 0, tzinfo=timezone.utc)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/">\n')
        f.write("  <channel>\n")
        f.write("    <title>quotewire bench feed – Iraq wire</title>\n")
        f.write("    <link>https://www.aljazeera.com/middle-east/</link>\n")
        f.write(f"    <description>Generated benchmark feed with {n} items (seed {SEED}).</description>\n")
        f.write("    <language>en</language>\n")
        f.write(f"    <lastBuildDate>{format_datetime(start)}</lastBuildDate>\n")
        f.write("    <ttl>60</ttl>\n")
        for i in range(n):
            f.write(make_item(rng, i, start))
        f.write("  </channel>\n</rss>\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
