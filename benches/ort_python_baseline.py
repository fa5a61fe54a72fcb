#!/usr/bin/env python3
"""Python ONNX Runtime baseline for the classify bench: same int8 graph, same tokenizer,
first 3,000 unique TweetEval train tweets, batches of 128 sorted by length.
Run from the repository root with the training venv: python benches/ort_python_baseline.py
"""
import csv, os, time, numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
seen=set(); texts=[]
for r in csv.DictReader(open(os.path.join(os.environ.get('TICKETLENS_SHARED', '../shared'), 'datasets/tweeteval_sentiment/train.csv'))):
    t=r['text'].strip()
    if t and t not in seen:
        seen.add(t); texts.append(t)
    if len(texts)==3000: break
tok=Tokenizer.from_file('models/ticket-minilm/tokenizer.json'); tok.enable_truncation(256)
so=ort.SessionOptions(); so.intra_op_num_threads=2
s=ort.InferenceSession('models/ticket-minilm/model.onnx', so, providers=['CPUExecutionProvider'])
order=sorted(range(len(texts)), key=lambda i: len(texts[i]))
t0=time.time()
for b in range(0,len(texts),128):
    idx=order[b:b+128]; tok.enable_padding(); enc=tok.encode_batch([texts[i] for i in idx]); tok.no_padding()
    ids=np.array([e.ids for e in enc],np.int64); m=np.array([e.attention_mask for e in enc],np.int64)
    s.run(None,{'input_ids':ids,'attention_mask':m,'token_type_ids':np.zeros_like(ids)})
print(f'python onnxruntime 1.31.1, same int8 graph, 3000 unique tweets, batches of 128 sorted by length: {len(texts)/(time.time()-t0):.0f} texts/s')
