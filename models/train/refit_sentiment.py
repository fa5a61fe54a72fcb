#!/usr/bin/env python3
"""Step 9 of the recipe: a residual sentiment head fitted on problem reports.

The fine-tuned graph (v2) read a calm problem report ("someone changed the email
on my account", "getting errors in checkout") as neutral: on customer tweets
that the brand answered with an apology, it called only two in three negative. The
encoder already separates these texts; the head never saw enough of them. This
step adds them without another 55-minute fine-tuning run:

1. Runs the int8 graph of train.py over the training sets and keeps, per text,
   the fitted `sentiment_logits` (3) and 1,536 pooled features: the masked mean
   of the last three layers' token states and the masked max of the last one.
2. Adds two sources of problem reports written by people:
   - BANKING77 train queries, mapped by intent: the 26 intents that report a
     problem (`card_not_working`, `transaction_charged_twice`,
     `Refund_not_showing_up` …) are negative, the 27 that ask how to do
     something are neutral, the 24 that can be either (`pending_*`, fees,
     `card_arrival`, `apple_pay_or_google_pay` …) are left out
     (`BANKING77_NEGATIVE` / `_NEUTRAL`);
   - customer tweets of the twcs head sample labelled by a brand's reply to them
     ("sorry", "apologise", "frustrating" → negative; "glad to hear", "you're
     welcome" → positive; stock apologies for a delay or "any inconvenience",
     both kinds, or neither → unlabelled; tweets of fewer than three words left
     out), the customers split in halves: one for training, one held back as a
     validation set.
3. Fits K = 5 small residual MLPs, `logits = sentiment_logits + MLP(x)`
   (1,536 → 128 → 3, GELU, standardised inputs with dropout 0.2 while training;
   last layer starting at zero, so each starts as train.py's head), on TweetEval
   (weight 2, balanced classes), airline train (0.4), Bitext as sentiment (1,
   its own class mix), BANKING77 (0.3) and the twcs labels (0.1), six epochs;
   their average is one MLP of width 640, the standardisation folded in.
4. Fits a new temperature on TweetEval val + airline val (each 1/2), as
   train.py does, and splices the pooling and `(sentiment_logits + MLP(x)) / T`
   into the graph in fp32 (1 M multiply-adds a text, against ~700 M for the
   encoder). Topic and embedding outputs are untouched.
5. Re-measures every validation figure, writes `ticketlens.json` (with a
   `sentiment_refit` block: data, weights, before/after) and the card.

    python models/train/refit_sentiment.py [models/ticket-minilm]

Refuses a model directory whose ticketlens.json already has `sentiment_refit`
(the step applies to train.py's output once). Seeded; ~10 min on 2 CPU cores.
"""
import json
import re
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).parent))
import evaluate  # noqa: E402
import model_card  # noqa: E402
import train  # noqa: E402

# The model version a model directory has after this step (v2.1 wrote none; v2.2
# refitted v2's graph, whose sentiment head read the embedding; v2.3's train.py
# head reads pooled layers itself).
VERSION = "v2.3"

# BANKING77 intents whose queries report a problem (negative by the support convention).
BANKING77_NEGATIVE = set("""
card_payment_wrong_exchange_rate extra_charge_on_statement card_not_working contactless_not_working
wrong_amount_of_cash_received transfer_not_received_by_recipient top_up_reverted
balance_not_updated_after_cheque_or_cash_deposit card_payment_not_recognised unable_to_verify_identity
compromised_card direct_debit_payment_not_recognised declined_cash_withdrawal declined_transfer
Refund_not_showing_up declined_card_payment card_swallowed transaction_charged_twice reverted_card_payment?
failed_transfer virtual_card_not_working wrong_exchange_rate_for_cash_withdrawal top_up_failed
balance_not_updated_after_bank_transfer cash_withdrawal_not_recognised pin_blocked
""".split())
# BANKING77 intents whose queries ask how to do something (neutral).
BANKING77_NEUTRAL = set("""
card_linking exchange_rate fiat_currency_support card_delivery_estimate automatic_top_up exchange_via_app
age_limit top_up_limits supported_cards_and_currencies getting_virtual_card edit_personal_details
get_physical_card visa_or_mastercard disposable_card_limits
atm_support change_pin receiving_money transfer_into_account getting_spare_card top_up_by_cash_or_cheque
order_physical_card get_disposable_virtual_card activate_my_card card_about_to_expire
verify_my_identity country_support verify_source_of_funds
""".split())

# What a brand's reply says about the customer tweet it answers. Stock phrases
# that apologise for the brand's own slowness ("sorry for the delay"), or for
# "any inconvenience", say nothing about the tweet, so they label nothing.
REPLY_APOLOGY = re.compile(r"\b(sorry|apolog|frustrat|not the experience|disappoint|hate to hear)", re.I)
REPLY_STOCK = re.compile(
    r"(sorry|apolog\w*) (for|about) (the|our|any|this)? ?(delay|late|wait|slow|inconvenience)|"
    r"delayed (response|reply)|late (response|reply)|unfortunate", re.I)
REPLY_GLAD = re.compile(
    r"\b(glad (to hear|that|we|you|it)|happy to hear|great to hear|love to hear|thanks for the (love|shout|kind)"
    r"|you'?re (very |so )?welcome|you are welcome|so happy|awesome to hear|good to hear)", re.I)

# Bitext keeps its natural class mix (96 % requests) and a full weight: with
# balanced classes its few templated complaints outweighed the requests, and
# plain questions ("What is the fee if I cancel my contract early?") turned negative.
WEIGHTS = {"tweet_train": 2.0, "air_train": 0.4, "bsent_train": 1.0, "banking77": 0.3, "twcs_train": 0.1}
LINK = re.compile(r"https?://\S+")
WORD = re.compile(r"[^\W\d_]{2,}")  # a word of letters (a handle, link or emoji is none)
HEADS, HIDDEN, EPOCHS, LR, WEIGHT_DECAY, BATCH, DROPOUT = 5, 128, 6, 1e-3, 1e-2, 256, 0.2
# The head reads the masked mean of the last three layers' token states and the
# masked max of the last one (4 x 384 = 1,536 features), not the `embedding`:
# the distillation holds the last layer's mean pool near all-MiniLM-L6-v2's
# sentence embedding, which is made for topical similarity; the layers below it
# and the max pool keep more of the tone. Measured on the v2 graph (5 heads,
# 3 seeds): airline val accuracy +0.01 to +0.02 and TweetEval val macro recall
# +0.005 to +0.01 over the embedding alone.
# The same layers as train.py's sentiment head (v2.3 on), read from there so the two
# heads cannot drift apart; the max pool is of the last of them.
MEAN_LAYERS, WIDTH = tuple(train.SENTIMENT_LAYERS), 384
MAX_LAYER = MEAN_LAYERS[-1]
SD_FLOOR = 0.5  # standardise by max(std, SD_FLOOR x median std); see fit_heads
FEATURES = WIDTH * (len(MEAN_LAYERS) + 1)


def layer_output(layer: int) -> str:
    """Name of encoder layer `layer`'s output (its last LayerNorm) in train.py's export."""
    return f"/bert/encoder/layer.{layer}/output/LayerNorm/LayerNormalization_output_0"


def check_opset(m):
    """The pooling writes ReduceMax's axes as an attribute, which opset 18 moved to an input."""
    v = next((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), None)
    if v is None or v >= 18:
        sys.exit(f"the graph's opset is {v}; the step-9 pooling is written for opset 13-17 (train.py exports 17)")


def pool_nodes(graph):
    """Append to `graph` the nodes that compute `refit_x` [B, 1,536]: the masked
    mean of layers 3-5's token states (0-based: the last three of six) and
    the masked max of layer 5's, in fp32."""
    from onnx import helper, numpy_helper

    names = {t for n in graph.node for t in n.output}
    missing = [layer_output(l) for l in (*MEAN_LAYERS, MAX_LAYER) if layer_output(l) not in names]
    if missing:
        sys.exit(f"the graph has no tensor {missing[0]}: not an export of train.py")
    graph.initializer.extend([
        numpy_helper.from_array(np.array([1], np.int64), "refit_axis1"),
        numpy_helper.from_array(np.array([-1], np.int64), "refit_axis_last"),
        numpy_helper.from_array(np.array(1.0, np.float32), "refit_pool_one"),
        numpy_helper.from_array(np.array(1e4, np.float32), "refit_pool_big")])
    nodes = [helper.make_node("Cast", ["attention_mask"], ["refit_mask0"], to=1),
             helper.make_node("Unsqueeze", ["refit_mask0", "refit_axis_last"], ["refit_mask"]),
             helper.make_node("ReduceSum", ["refit_mask", "refit_axis1"], ["refit_count"], keepdims=0),
             # padding positions get -1e4, so the max never picks them
             helper.make_node("Sub", ["refit_mask", "refit_pool_one"], ["refit_pad0"]),
             helper.make_node("Mul", ["refit_pad0", "refit_pool_big"], ["refit_pad"])]
    pooled = []
    for l in MEAN_LAYERS:
        nodes += [helper.make_node("Mul", [layer_output(l), "refit_mask"], [f"refit_masked{l}"]),
                  helper.make_node("ReduceSum", [f"refit_masked{l}", "refit_axis1"], [f"refit_sum{l}"], keepdims=0),
                  helper.make_node("Div", [f"refit_sum{l}", "refit_count"], [f"refit_mean{l}"])]
        pooled.append(f"refit_mean{l}")
    nodes += [helper.make_node("Add", [layer_output(MAX_LAYER), "refit_pad"], ["refit_padded"]),
              helper.make_node("ReduceMax", ["refit_padded"], ["refit_max"], axes=[1], keepdims=0),
              helper.make_node("Concat", pooled + ["refit_max"], ["refit_x"], axis=1)]
    graph.node.extend(nodes)


def feature_graph(src: Path, dst: Path):
    """`src` with two outputs, the fitted `sentiment_logits` [B, 3] and `refit_x`."""
    import onnx

    m = onnx.load(str(src))
    check_opset(m)
    pool_nodes(m.graph)
    del m.graph.output[:]
    m.graph.output.extend(onnx.helper.make_tensor_value_info(o, onnx.TensorProto.FLOAT, None)
                          for o in ("sentiment_logits", "refit_x"))
    onnx.save(m, str(dst))


def banking77_sentiment():
    """BANKING77 train texts of the mapped intents, with 0 (negative) / 1 (neutral)."""
    x, y = [], []
    for row in train.read_rows(train.SHARED / "banking77/train.csv"):
        c = row["category"]
        if c in BANKING77_NEGATIVE or c in BANKING77_NEUTRAL:
            x.append(train.clean(row["text"]))
            y.append(0 if c in BANKING77_NEGATIVE else 1)
    return x, np.array(y, np.int64)


def twcs_reply_labels(seed: int):
    """Customer tweets of twcs_head_5000 labelled by a brand's reply to them; (train, val)
    halves split by customer, so one customer's tweets never sit on both sides."""
    rows = train.read_rows(train.SHARED / "twcs/twcs_head_5000.csv")
    inbound = {r["tweet_id"]: (r["text"], r["author_id"]) for r in rows if r["inbound"] == "True"}
    x, y, who, seen = [], [], [], set()
    for r in rows:
        if r["inbound"] != "False" or r["in_response_to_tweet_id"] not in inbound:
            continue
        text, author = inbound[r["in_response_to_tweet_id"]]
        text = train.clean(text)
        if REPLY_STOCK.search(r["text"]) or len(WORD.findall(LINK.sub("", train.MENTION.sub("", text)))) < 3:
            continue
        apology, glad = bool(REPLY_APOLOGY.search(r["text"])), bool(REPLY_GLAD.search(r["text"]))
        if apology != glad and text not in seen:
            seen.add(text)
            x.append(text)
            y.append(0 if apology else 2)
            who.append(author)
    y = np.array(y, np.int64)
    customers = sorted(set(who))
    held = set(np.random.RandomState(seed).permutation(len(customers))[: len(customers) // 2].tolist())
    held = {customers[i] for i in held}
    va = np.array([i for i, a in enumerate(who) if a in held], np.int64)
    tr = np.array([i for i, a in enumerate(who) if a not in held], np.int64)
    return ([x[i] for i in tr], y[tr]), ([x[i] for i in va], y[va])


class ResidualHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(FEATURES, HIDDEN), nn.Linear(HIDDEN, 3)
        nn.init.zeros_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def forward(self, e, s):
        return s + self.fc2(nn.functional.gelu(self.fc1(e)))


def fit_heads(sets, seed: int):
    """K residual heads on the weighted sources (features standardised, dropout on
    them while training); returns the averaged weights with the standardisation
    folded into the first layer, so the graph reads the raw pooled features."""
    E, S, Y, W = [], [], [], []
    for name, (emb, logits, y, balanced) in sets.items():
        cw = np.ones(3)
        if balanced:
            cnt = np.bincount(y, minlength=3)
            cw = np.where(cnt > 0, len(y) / (3 * np.maximum(cnt, 1)), 0.0)
        w = cw[y]
        E.append(emb), S.append(logits), Y.append(y), W.append(w * WEIGHTS[name] / w.sum())
    E = np.vstack(E)
    # A few LayerNorm dimensions are nearly constant (std ~0.0003 against a
    # median of ~0.2): dividing by their std would multiply them, and the int8
    # graph's quantisation noise in them, by ~1,000 and make a text's label
    # depend on the batch it ran in. No feature is scaled up more than one of
    # median spread would be at half its std.
    mu, sd = E.mean(0), E.std(0)
    sd = np.maximum(sd, SD_FLOOR * np.median(sd))
    E, S = torch.tensor((E - mu) / sd), torch.tensor(np.vstack(S))
    Y = torch.tensor(np.concatenate(Y))
    W = np.concatenate(W)
    W = torch.tensor(W * len(W) / W.sum(), dtype=torch.float32)
    heads = []
    for k in range(HEADS):
        torch.manual_seed(seed + k)
        h = ResidualHead()
        opt = torch.optim.AdamW(h.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
        for _ in range(EPOCHS):
            perm = torch.randperm(len(Y))
            for b in range(0, len(Y), BATCH):
                i = perm[b: b + BATCH]
                x = nn.functional.dropout(E[i], DROPOUT)
                loss = (nn.functional.cross_entropy(h(x, S[i]), Y[i], reduction="none") * W[i]).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        heads.append(h)
    with torch.no_grad():
        w1 = np.hstack([h.fc1.weight.numpy().T for h in heads])   # [1536, K*H], standardised input
        b1 = np.concatenate([h.fc1.bias.numpy() for h in heads])  # [K*H]
        b1 = (b1 - (mu / sd) @ w1).astype(np.float32)             # ((x - mu) / sd) @ w1 = x @ (w1 / sd) - ...
        w1 = (w1 / sd[:, None]).astype(np.float32)
        w2 = (np.vstack([h.fc2.weight.numpy().T for h in heads]) / HEADS).astype(np.float32)  # [K*H, 3]
        b2 = np.mean([h.fc2.bias.numpy() for h in heads], axis=0).astype(np.float32)  # [3]
    return w1, b1, w2, b2


def apply_head(params, emb, logits):
    w1, b1, w2, b2 = params
    h = torch.nn.functional.gelu(torch.tensor(emb @ w1 + b1)).numpy()
    return logits + h @ w2 + b2


def splice(src: Path, dst: Path, params, temperature: float):
    """Rewrite `sentiment_logits` as (old sentiment_logits + MLP(pooled layers)) / T, fp32, standard ops."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(str(src))
    g = m.graph
    old = "sentiment_logits_v2"
    for n in g.node:
        for i, o in enumerate(n.output):
            if o == "sentiment_logits":
                n.output[i] = old
    w1, b1, w2, b2 = params
    consts = {"refit_w1": w1, "refit_b1": b1, "refit_w2": w2, "refit_b2": b2,
              "refit_sqrt2": np.array(np.sqrt(2.0), np.float32), "refit_one": np.array(1.0, np.float32),
              "refit_half": np.array(0.5, np.float32), "refit_inv_t": np.array(1.0 / temperature, np.float32)}
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in consts.items())
    check_opset(m)
    pool_nodes(g)
    nodes = [
        ("MatMul", ["refit_x", "refit_w1"], "refit_h0"),
        ("Add", ["refit_h0", "refit_b1"], "refit_h"),
        ("Div", ["refit_h", "refit_sqrt2"], "refit_g0"),
        ("Erf", ["refit_g0"], "refit_g1"),
        ("Add", ["refit_g1", "refit_one"], "refit_g2"),
        ("Mul", ["refit_h", "refit_g2"], "refit_g3"),
        ("Mul", ["refit_g3", "refit_half"], "refit_gelu"),
        ("MatMul", ["refit_gelu", "refit_w2"], "refit_o0"),
        ("Add", ["refit_o0", "refit_b2"], "refit_o"),
        ("Add", ["refit_o", old], "refit_sum"),
        ("Mul", ["refit_sum", "refit_inv_t"], "sentiment_logits"),
    ]
    g.node.extend(helper.make_node(op, ins, [out], name=out) for op, ins, out in nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def refit(d_out: Path):
    """Apply step 9 to the model directory train.py wrote (once)."""
    import onnx

    cfg = json.loads((d_out / "ticketlens.json").read_text())
    graph = onnx.load(str(d_out / "model.onnx"), load_external_data=False).graph
    if "sentiment_refit" in cfg or any(t.name == "refit_w1" for t in graph.initializer):
        sys.exit(f"{d_out}: the sentiment head was already refitted; run train.py first")
    seed = cfg["training"]["seed"]
    base = train.base_model_dir()
    tok = train.load_tokenizer(base)
    data = train.load_data_v2(seed)
    b77 = banking77_sentiment()
    twcs_train, twcs_val = twcs_reply_labels(seed)
    model = d_out / "model.onnx"
    # The feature graph is scratch: it lives beside train.py's other
    # intermediates, never in the model directory.
    scratch = train.ROOT / "target/model-train"
    scratch.mkdir(parents=True, exist_ok=True)
    features = scratch / "refit_features.onnx"
    feature_graph(model, features)

    def outputs(texts):
        S, X = train.ort_run(features, tok, texts, train.MAX_SEQ_INFER)
        return X, S

    sets = {}
    for name, (x, y), balanced in (("tweet_train", data["tweet_train"], True),
                                   ("air_train", data["air_train"], False),
                                   ("bsent_train", data["bsent_train"], False),
                                   ("banking77", b77, False),
                                   ("twcs_train", twcs_train, False)):
        train.log(f"refit: {name} {len(x)} texts")
        sets[name] = (*outputs(x), y, balanced)
    params = fit_heads(sets, seed)

    # Validation: before (train.py's head) and after (refitted, before the new temperature).
    val = {"tweeteval_val": data["tweet_val"], "airline_val": data["air_val"],
           "bitext_val": data["bsent_val"], "twcs_reply_val": twcs_val}
    before, after = {}, {}
    for name, (x, y) in val.items():
        E, S = outputs(x)
        before[name], after[name] = S, apply_head(params, E, S)
    n_tw, n_air = len(val["tweeteval_val"][1]), len(val["airline_val"][1])
    t = train.fit_temperature(np.vstack([after["tweeteval_val"], after["airline_val"]]),
                              np.r_[val["tweeteval_val"][1], val["airline_val"][1]],
                              np.r_[np.full(n_tw, 1.0 / n_tw), np.full(n_air, 1.0 / n_air)])

    def figures(logits):
        out = {}
        for name, (_, y) in val.items():
            p = logits[name].argmax(1)
            recall = [float((p[y == c] == c).mean()) if (y == c).any() else None for c in range(3)]
            out[name] = {"accuracy": float((p == y).mean()), "macro_f1": train.macro_f1(y, p, 3),
                         "recall": dict(zip(train.SENTIMENT_LABELS, recall)),
                         "ece": train.ece(logits[name], y)}
        return out

    refit = {
        "version": VERSION,
        "what": "residual sentiment head: (train.py's sentiment_logits + MLP(x)) / T, where x is the masked mean of "
                "the last three layers' token states and the masked max of the last one (1,536 features), "
                f"MLP 1536-{HEADS * HIDDEN}-3 GELU (the average of {HEADS} heads of width {HIDDEN}), "
                "fitted on the int8 graph's outputs",
        "data": {"tweet_train": len(data["tweet_train"][1]), "air_train": len(data["air_train"][1]),
                 "bsent_train": len(data["bsent_train"][1]), "banking77": len(b77[1]),
                 "twcs_train": len(twcs_train[1]), "twcs_reply_val": len(twcs_val[1])},
        "banking77_intents": {"negative": sorted(BANKING77_NEGATIVE), "neutral": sorted(BANKING77_NEUTRAL)},
        "weights": WEIGHTS,
        "settings": {"heads": HEADS, "hidden": HIDDEN, "epochs": EPOCHS, "lr": LR,
                     "weight_decay": WEIGHT_DECAY, "batch": BATCH, "dropout": DROPOUT, "sd_floor": SD_FLOOR,
                     "mean_layers": list(MEAN_LAYERS), "max_layer": MAX_LAYER, "seed": seed},
        "temperature": t,
        "before": figures(before),
        "after": figures({k: v / t for k, v in after.items()}),
    }
    train.log(f"refit: T = {t:.3f}; before {json.dumps(refit['before'])}\nafter {json.dumps(refit['after'])}")

    # The refitted graph stays beside the original until ticketlens.json says so:
    # an interrupted run leaves the directory as train.py wrote it.
    spliced = d_out / "model.onnx.refit"
    splice(model, spliced, params, t)
    cfg["model_sha256"] = train.sha256(spliced)
    cfg["architecture"] += ("; sentiment = train.py's sentiment logits plus a residual MLP on pooled layer "
                            f"outputs (mean of layers {MEAN_LAYERS[0]}-{MEAN_LAYERS[-1]}, max of layer "
                            f"{MAX_LAYER}; 1536-{HEADS * HIDDEN}-3, GELU) fitted on problem reports "
                            "(step 9), divided by a second fitted temperature")
    cfg["sentiment_refit"] = refit
    probe, probe_emb = train.embedding_probe(seed, base, tok)
    cfg["val_metrics"]["int8_before_refit"] = cfg["val_metrics"]["int8"]
    cfg["val_metrics"]["int8"] = train.ort_metrics(spliced, tok, data, probe, probe_emb)[0]
    cfg["hand_sentences"] = evaluate.hand_sentences(spliced, tok)
    (d_out / "ticketlens.json").write_text(json.dumps(cfg, indent=2) + "\n")
    spliced.replace(model)
    features.unlink(missing_ok=True)
    (d_out / "MODEL_CARD.md").write_text(model_card.render(d_out))
    train.log(f"refit: wrote {d_out}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    refit(Path(args[0]) if args else train.ROOT / "models/ticket-minilm")


if __name__ == "__main__":
    main()
