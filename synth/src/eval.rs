//! Clustering quality against gold labels: NMI and ARI, and the BANKING77
//! harness that scores ticketlens themes (docs/themes.md, "Quality").
//!
//! NMI uses the arithmetic-mean normalisation (scikit-learn's default):
//! `NMI = I(U;V) / ((H(U) + H(V)) / 2)`. ARI is Hubert & Arabie's adjusted
//! Rand index. Both are 1 for identical partitions (up to renaming).

use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use ticketlens::embeddings::Embeddings;
use ticketlens::error::{IngestError, PipelineError, Setting, ThemesError};
use ticketlens::themes::{self, KSelection, ThemeOptions};
use ticketlens::{Error, Result};

/// Gold labels that are not one per embedding row (or no rows at all).
fn gold_mismatch(rows: usize, gold: usize) -> Error {
    if rows == 0 {
        return ThemesError::NoTickets.into();
    }
    ThemesError::Count {
        tickets: rows,
        found: gold,
        what: "gold labels",
    }
    .into()
}

/// Quality of a clustering against gold labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterEval {
    /// Rows evaluated.
    pub n: usize,
    /// Distinct gold labels.
    pub gold_classes: usize,
    /// Clusters found (after merging).
    pub k: usize,
    /// Normalised mutual information (arithmetic mean).
    pub nmi: f64,
    /// Adjusted Rand index.
    pub ari: f64,
    /// How k was chosen.
    pub k_selection: KSelection,
    /// Wall-clock seconds of the clustering.
    pub seconds: f64,
}

/// Row sums, column sums and non-zero cells of a contingency table.
type Table = (Vec<f64>, Vec<f64>, HashMap<(usize, usize), f64>);

/// Contingency table of two labelings (dense ids).
fn table<A: Eq + std::hash::Hash, B: Eq + std::hash::Hash>(a: &[A], b: &[B]) -> Table {
    let mut ia: HashMap<&A, usize> = HashMap::new();
    let mut ib: HashMap<&B, usize> = HashMap::new();
    let mut ra = Vec::new();
    let mut rb = Vec::new();
    let mut cells: HashMap<(usize, usize), f64> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        let nx = ia.len();
        let i = *ia.entry(x).or_insert(nx);
        let ny = ib.len();
        let j = *ib.entry(y).or_insert(ny);
        if i == ra.len() {
            ra.push(0.0);
        }
        if j == rb.len() {
            rb.push(0.0);
        }
        ra[i] += 1.0;
        rb[j] += 1.0;
        *cells.entry((i, j)).or_insert(0.0) += 1.0;
    }
    (ra, rb, cells)
}

fn entropy(counts: &[f64], n: f64) -> f64 {
    counts
        .iter()
        .filter(|&&c| c > 0.0)
        .map(|&c| -(c / n) * (c / n).ln())
        .sum()
}

/// Normalised mutual information of two labelings of the same items.
/// Returns 1 when both put everything in one cluster (identical partitions).
pub fn normalized_mutual_info<A: Eq + std::hash::Hash, B: Eq + std::hash::Hash>(
    a: &[A],
    b: &[B],
) -> f64 {
    let n = a.len().min(b.len()) as f64;
    if n == 0.0 {
        return 1.0;
    }
    let (ra, rb, cells) = table(&a[..n as usize], &b[..n as usize]);
    let (ha, hb) = (entropy(&ra, n), entropy(&rb, n));
    if ha == 0.0 && hb == 0.0 {
        return 1.0;
    }
    let mi: f64 = cells
        .iter()
        .map(|(&(i, j), &c)| (c / n) * ((c * n) / (ra[i] * rb[j])).ln())
        .sum();
    let denom = (ha + hb) / 2.0;
    if denom <= 0.0 {
        0.0
    } else {
        (mi / denom).clamp(0.0, 1.0)
    }
}

fn pairs(x: f64) -> f64 {
    x * (x - 1.0) / 2.0
}

/// Adjusted Rand index of two labelings of the same items.
pub fn adjusted_rand_index<A: Eq + std::hash::Hash, B: Eq + std::hash::Hash>(
    a: &[A],
    b: &[B],
) -> f64 {
    let n = a.len().min(b.len());
    let (ra, rb, cells) = table(&a[..n], &b[..n]);
    let index: f64 = cells.values().map(|&c| pairs(c)).sum();
    let sa: f64 = ra.iter().map(|&c| pairs(c)).sum();
    let sb: f64 = rb.iter().map(|&c| pairs(c)).sum();
    let expected = sa * sb / pairs(n as f64).max(f64::MIN_POSITIVE);
    let max = (sa + sb) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Cluster `emb` exactly as theme discovery would
/// ([`themes::cluster_embeddings`]) and score the result against `gold`.
///
/// Errors: `gold` and `emb` differ in length, or no rows.
pub fn eval_clustering(
    emb: &Embeddings,
    gold: &[String],
    opts: &ThemeOptions,
) -> Result<ClusterEval> {
    let n = emb.rows();
    if gold.len() != n || n == 0 {
        return Err(gold_mismatch(n, gold.len()));
    }
    let t = std::time::Instant::now();
    let (labels, selection) = themes::cluster_embeddings(emb, opts)?;
    let seconds = t.elapsed().as_secs_f64();
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let classes = gold.iter().collect::<std::collections::HashSet<_>>().len();
    Ok(ClusterEval {
        n,
        gold_classes: classes,
        k,
        nmi: normalized_mutual_info(gold, &labels),
        ari: adjusted_rand_index(gold, &labels),
        k_selection: selection,
        seconds,
    })
}

/// Baseline for comparison: plain spherical k-means with a given k on all
/// rows (k-means++ start, up to 100 Lloyd iterations), no micro-clusters or
/// Ward merge.
pub fn eval_kmeans(emb: &Embeddings, gold: &[String], k: usize, seed: u64) -> Result<ClusterEval> {
    let n = emb.rows();
    if gold.len() != n || n == 0 {
        return Err(gold_mismatch(n, gold.len()));
    }
    if k == 0 {
        return Err(Error::option(Setting::Themes, "k = 0: at least one theme"));
    }
    let t = std::time::Instant::now();
    let labels = themes::spherical_kmeans(emb, k, seed, 100);
    let seconds = t.elapsed().as_secs_f64();
    Ok(ClusterEval {
        n,
        gold_classes: gold.iter().collect::<std::collections::HashSet<_>>().len(),
        k: labels.iter().max().map_or(0, |m| m + 1),
        nmi: normalized_mutual_info(gold, &labels),
        ari: adjusted_rand_index(gold, &labels),
        k_selection: KSelection {
            method: "kmeans".into(),
            range: (k, k),
            candidates: Vec::new(),
            sample_size: 0,
            chosen: k,
            micro_clusters: 0,
            refined: false,
        },
        seconds,
    })
}

/// Read a BANKING77-style CSV (`text,category`) with its embeddings and the
/// gold labels; used by the quality harness.
pub fn read_labelled(
    csv_path: &Path,
    npy: &Path,
) -> Result<(Vec<String>, Vec<String>, Embeddings)> {
    let mut r = csv::Reader::from_path(csv_path).map_err(|e| Error::Csv {
        context: csv_path.display().to_string(),
        source: e,
    })?;
    let headers = r
        .headers()
        .map_err(|e| Error::Csv {
            context: csv_path.display().to_string(),
            source: e,
        })?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::from(IngestError::MissingColumn {
                path: csv_path.display().to_string(),
                field: name.to_string(),
                tried: name.to_string(),
            })
        })
    };
    let (ti, ci) = (col("text")?, col("category")?);
    let (mut texts, mut gold) = (Vec::new(), Vec::new());
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::Csv {
            context: csv_path.display().to_string(),
            source: e,
        })?;
        texts.push(rec.get(ti).unwrap_or("").to_string());
        gold.push(rec.get(ci).unwrap_or("").to_string());
    }
    let emb = Embeddings::read_npy(npy)?;
    if emb.rows() != texts.len() {
        return Err(PipelineError::EmbeddingsFile {
            path: npy.display().to_string(),
            rows: emb.rows(),
            tickets: texts.len(),
        }
        .into());
    }
    Ok((texts, gold, emb))
}

/// NMI/ARI of automatic theme discovery on BANKING77 (`train.csv` + its
/// all-MiniLM-L6-v2 embeddings as a float32 `.npy`), default options.
pub fn eval_banking77(csv_path: &Path, npy: &Path) -> Result<ClusterEval> {
    let (_, gold, emb) = read_labelled(csv_path, npy)?;
    eval_clustering(&emb, &gold, &ThemeOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nmi_and_ari_on_hand_made_labelings() {
        let gold = ["a", "a", "a", "b", "b", "b"];
        // Identical up to renaming.
        assert!((normalized_mutual_info(&gold, &[1, 1, 1, 0, 0, 0]) - 1.0).abs() < 1e-12);
        assert!((adjusted_rand_index(&gold, &[1, 1, 1, 0, 0, 0]) - 1.0).abs() < 1e-12);
        // One item moved: [0,0,1,1,1,1] vs gold.
        // Table: (a,0)=2,(a,1)=1,(b,1)=3. H(gold)=ln2=0.693147, H(pred)=0.636514,
        // MI = 2/6·ln(2·6/(3·2)) + 1/6·ln(1·6/(3·4)) + 3/6·ln(3·6/(3·4)) = 0.318257.
        // NMI = 0.318257 / 0.664830 = 0.478704.
        let p = [0, 0, 1, 1, 1, 1];
        assert!((normalized_mutual_info(&gold, &p) - 0.478_704).abs() < 1e-5);
        // ARI: index = C(2,2)+C(1,2)+C(3,2) = 1+0+3 = 4; a = 3+3 = 6; b = 1+6 = 7;
        // expected = 6·7/15 = 2.8; max = 6.5 → (4−2.8)/(6.5−2.8) = 0.324324.
        assert!((adjusted_rand_index(&gold, &p) - 0.324_324).abs() < 1e-5);
        // Independent labelings: NMI 0 (exactly, here).
        let q = [0, 1, 0, 1, 0, 1];
        let g2 = [0, 0, 1, 1, 2, 2];
        assert!(normalized_mutual_info(&g2, &q) < 1e-12);
    }

    #[test]
    fn eval_scores_a_clustering_and_refuses_mismatched_labels() {
        // Two exact directions, 20 rows each: any sound clustering is perfect.
        let mut emb = Embeddings::new(2);
        let mut gold = Vec::new();
        for i in 0..40 {
            let row: &[f32] = if i < 20 { &[1.0, 0.0] } else { &[0.0, 1.0] };
            emb.push(row);
            gold.push(if i < 20 { "a" } else { "b" }.to_string());
        }
        let e = eval_kmeans(&emb, &gold, 2, 1).unwrap();
        assert_eq!((e.n, e.gold_classes, e.k), (40, 2, 2));
        assert!(
            (e.nmi - 1.0).abs() < 1e-9 && (e.ari - 1.0).abs() < 1e-9,
            "{e:?}"
        );
        let e = eval_clustering(&emb, &gold, &ThemeOptions::default()).unwrap();
        assert!((e.nmi - 1.0).abs() < 1e-9, "{e:?}");
        assert!(eval_clustering(&emb, &gold[..10], &ThemeOptions::default()).is_err());
    }
}
