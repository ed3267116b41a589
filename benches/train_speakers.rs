//! Trains the speaker ranker (`quotes::ranker`) on PolNeAR's train split, chooses the number
//! of passes on dev, and writes the weights to `data/speaker_model.tsv`.
//!
//! `cargo bench --bench train_speakers` (issue 11, part 3). For every gold direct quote of a
//! train text that the rules find (lenient match) and that has a Source, the candidates the
//! ranker sees are labelled right when they name the Source (or a pronoun Source's referent:
//! `eval::same_speaker`); an averaged perceptron learns to rank a right one first. Dev gives
//! the accuracy of each pass count, and the best is written. The test split is reserved and
//! never read; nothing of the corpus but feature weights is written. Deterministic: the same
//! corpus gives the same file. Exits 0 without the corpus.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use quotewire::quotes::{self, eval, ranker, speaker};

/// One quote to rank: its candidates' feature keys and whether each is right.
struct Example {
    quote: quotes::Quote,
    cands: Vec<ranker::Candidate>,
    features: Vec<Vec<u64>>,
    right: Vec<bool>,
    /// Whether the rules' speaker was right.
    rule_right: bool,
}

fn texts(dir: &Path) -> Option<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir.join("attributions")).ok()?;
    let mut anns: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ann"))
        .collect();
    anns.sort();
    let mut by_text: BTreeMap<String, String> = BTreeMap::new();
    for a in &anns {
        let stem = a.strip_suffix(".ann").unwrap_or(a);
        let name = stem.rsplit_once('_').map_or(stem, |(n, _)| n).to_string();
        by_text.entry(name).or_insert_with(|| a.clone());
    }
    let mut out = Vec::new();
    for (name, ann) in by_text {
        let (Ok(t), Ok(a)) = (
            std::fs::read_to_string(dir.join("text").join(format!("{name}.txt"))),
            std::fs::read_to_string(dir.join("attributions").join(ann)),
        ) else {
            continue;
        };
        out.push((t, a));
    }
    Some(out)
}

fn examples(corpus: &[(String, String)], names: &mut HashMap<u64, String>) -> Vec<Example> {
    let mut out = Vec::new();
    let rules_only = ranker::Model::default();
    for (text, ann) in corpus {
        let gold = eval::brat_direct_quotes(text, ann);
        let found = quotes::extract_with(text, &rules_only);
        let people = speaker::people(text);
        let cands = ranker::candidates(text, &found, &people);
        let neutral = eval::brat_other_contents(text, ann);
        let (_, outcomes, _) = eval::score_brat(text, &gold, &found, &neutral, 0.3);
        for (g, o) in gold.iter().zip(&outcomes) {
            let (Some(fi), Some(source)) = (o.matched, &g.source) else {
                continue;
            };
            let who = g.referent.as_deref().unwrap_or(source);
            let cs = &cands[fi];
            let mut features = Vec::with_capacity(cs.len());
            for c in cs {
                features.push(
                    c.features
                        .iter()
                        .map(|f| {
                            let k = ranker::feature_key(f);
                            names.entry(k).or_insert_with(|| f.name());
                            k
                        })
                        .collect(),
                );
            }
            out.push(Example {
                quote: found[fi].clone(),
                cands: cs.clone(),
                right: cs
                    .iter()
                    .map(|c| eval::same_speaker(&c.speaker, who))
                    .collect(),
                features,
                rule_right: found[fi]
                    .speaker
                    .as_deref()
                    .is_some_and(|p| eval::same_speaker(p, who)),
            });
        }
    }
    out
}

fn score(w: &HashMap<u64, f64>, f: &[u64]) -> f64 {
    f.iter().map(|k| w.get(k).copied().unwrap_or(0.0)).sum()
}

fn best(w: &HashMap<u64, f64>, e: &Example) -> Option<usize> {
    (0..e.features.len())
        .max_by(|&a, &b| score(w, &e.features[a]).total_cmp(&score(w, &e.features[b])))
}

/// Right when the best candidate is right; a quote without candidates keeps the rules'
/// speaker.
fn accuracy(w: &HashMap<u64, f64>, ex: &[Example]) -> f64 {
    let right = ex
        .iter()
        .filter(|e| best(w, e).map_or(e.rule_right, |i| e.right[i]))
        .count();
    right as f64 / ex.len().max(1) as f64
}

/// The accuracy when the model decides as `extract` does under `gate` (`ranker::pick`).
fn gated(w: &HashMap<u64, f64>, ex: &[Example], gate: ranker::Gate) -> f64 {
    let model = ranker::Model::from_weights(w.iter().map(|(k, v)| (*k, *v as f32)).collect());
    let right = ex
        .iter()
        .filter(|e| match ranker::pick(&e.quote, &e.cands, &model, gate) {
            Some(i) => e.right[i],
            None => e.rule_right,
        })
        .count();
    right as f64 / ex.len().max(1) as f64
}

/// Averaged perceptron, `passes` over `ex` in a fixed shuffled order.
fn train(ex: &[Example], passes: usize) -> HashMap<u64, f64> {
    let mut w: HashMap<u64, f64> = HashMap::new();
    let mut total: HashMap<u64, f64> = HashMap::new();
    let mut stamp: HashMap<u64, u64> = HashMap::new();
    let mut t: u64 = 0;
    let mut order: Vec<usize> = (0..ex.len()).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..passes {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let e = &ex[i];
            t += 1;
            if !e.right.iter().any(|r| *r) {
                continue;
            }
            let Some(p) = best(&w, e) else { continue };
            if e.right[p] {
                continue;
            }
            let Some(g) = (0..e.features.len())
                .filter(|&c| e.right[c])
                .max_by(|&a, &b| score(&w, &e.features[a]).total_cmp(&score(&w, &e.features[b])))
            else {
                continue;
            };
            let mut update = |k: u64, d: f64| {
                let wk = w.entry(k).or_insert(0.0);
                let s = stamp.entry(k).or_insert(0);
                *total.entry(k).or_insert(0.0) += *wk * (t - *s) as f64;
                *s = t;
                *wk += d;
            };
            for &k in &e.features[g] {
                update(k, 1.0);
            }
            for &k in &e.features[p] {
                update(k, -1.0);
            }
        }
    }
    let mut avg = HashMap::new();
    for (k, wk) in &w {
        let s = stamp.get(k).copied().unwrap_or(0);
        let tot = total.get(k).copied().unwrap_or(0.0) + wk * (t - s) as f64;
        avg.insert(*k, tot / t.max(1) as f64);
    }
    avg
}

fn main() {
    let root = std::env::var("QW_POLNEAR_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/polnear")
        });
    let (Some(train_set), Some(dev_set)) = (texts(&root.join("train")), texts(&root.join("dev")))
    else {
        println!(
            "PolNeAR not found at {}: nothing to train on",
            root.display()
        );
        return;
    };
    let mut names = HashMap::new();
    let tr = examples(&train_set, &mut names);
    let dv = examples(&dev_set, &mut names);
    let oracle = |ex: &[Example]| {
        ex.iter()
            .filter(|e| e.right.iter().any(|r| *r) || e.rule_right)
            .count() as f64
            / ex.len().max(1) as f64
    };
    let rules =
        |ex: &[Example]| ex.iter().filter(|e| e.rule_right).count() as f64 / ex.len().max(1) as f64;
    println!(
        "train: {} quotes (rules {:.3}, a right candidate {:.3}); dev: {} (rules {:.3}, a right candidate {:.3})",
        tr.len(),
        rules(&tr),
        oracle(&tr),
        dv.len(),
        rules(&dv),
        oracle(&dv)
    );
    let mut chosen = (0, 0.0, HashMap::new());
    for passes in [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20] {
        let w = train(&tr, passes);
        let (a_tr, a_dv) = (accuracy(&w, &tr), accuracy(&w, &dv));
        println!(
            "passes {passes:>2}: model everywhere: train {a_tr:.3}, dev {a_dv:.3}; as extract decides: without a cue: dev {:.3}; without a cue or a pronoun's referent: dev {:.3}",
            gated(&w, &dv, ranker::Gate::NoCue),
            gated(&w, &dv, ranker::Gate::NoCueOrPronoun)
        );
        let a_dv = gated(&w, &dv, ranker::GATE);
        if a_dv > chosen.1 {
            chosen = (passes, a_dv, w);
        }
    }
    let (passes, acc, w) = chosen;
    println!("chosen: {passes} passes (dev {acc:.3})");
    let mut lines: Vec<(String, f64)> = w
        .iter()
        .filter(|(_, v)| v.abs() >= 5e-4)
        .filter_map(|(k, v)| Some((names.get(k)?.clone(), *v)))
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    out += "# quotewire speaker ranker weights (src/quotes/ranker.rs): feature<TAB>weight\n";
    out += "# Trained by `cargo bench --bench train_speakers`: an averaged perceptron over the\n";
    out += "# candidates of every gold direct quote of PolNeAR's train split (networkdynamics/PolNeAR\n";
    out += "# at commit c3eee833c035bf7b8c84f55b58c0bf7346cfae76; Newell, Margolin and Ruths, LREC 2018)\n";
    out += &format!("# that the rules find; passes chosen on its dev split: {passes} (dev accuracy {acc:.3}).\n");
    out +=
        "# Derived from copyrighted news whose repository states no data licence: only feature\n";
    out += "# names and weights are here, no text or annotation. The test split was never read.\n";
    for (n, v) in lines {
        out += &format!("{n}\t{v:.4}\n");
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/speaker_model.tsv");
    match std::fs::write(&path, out) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => println!("could not write {}: {e}", path.display()),
    }
}
