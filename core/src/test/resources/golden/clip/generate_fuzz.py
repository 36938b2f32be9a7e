"""Generates fuzz.jsonl: random mixtures of words, scripts, emoji, entities, controls and
mojibake fragments, run through the reference CLIP tokenizer (seeded, reproducible).

Usage: PYTHONPATH=<ftfy 6.3.1, regex 2022.10.31, openai/CLIP's clip/simple_tokenizer.py and its
       bpe_simple_vocab_16e6.txt.gz> python3 generate_fuzz.py > fuzz.jsonl
The reference code is imported, not copied.
"""
import json
import random
import sys

import ftfy
import regex
import simple_tokenizer as st

PIECES = [
    "a", "cat", "photo", "of", "the", "in", "don't", "it's", "L'Or\u00e9al", "caf\u00e9", "na\u00efve",
    "Z\u00fcrich", "\u6771\u4eac", "\u591c\u666f", "\u3053\u3093\u306b\u3061\u306f", "\u041f\u0440\u0438\u0432\u0435\u0442",
    "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
    "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", "\U0001f600", "\U0001f44d\U0001f3fd",
    "\U0001f1ef\U0001f1f5", "\u2764\ufe0f", "1\ufe0f\u20e3", "2024", "3.14", "\u00bd", "\u216b", "\u0663", "&amp;",
    "&lt;b&gt;", "&#39;", "&eacute;", "&copy;", "&nbsp;", "&EACUTE;", "<i>", "</i>", "\u201cquoted\u201d",
    "\u2018single\u2019", "\u2014", "\u2026", "\ufb01", "\uff26\uff35\uff2c\uff2c", "\uff76\uff80\uff76\uff85", "\u00a0",
    "\u2003", "\u3000", "\u200b", "\u00ad", "\t", "\n", "\r\n", "\x1b[31m", "\x07", "\ufeff", "\u0130",
    "\u03a3\u0391\u03a3", "\u00df", "\u1e9e", "\u017f", "'s", "'LL", "<|endoftext|>", "<|startoftext|>",
    "caf\u00c3\u00a9", "\u00e2\u20ac\u2122", "\u00c3\u00bcber", "doesn\u00e2\u20ac\u2122t", "\u00c3 ", "\u00c2\u00a9",
    "Bront\u00eb\u2026\u201d", "NESTL\u00c9\u00ae", "\u201cCAF\u00c9\u201d", "\u00d7\u00b2", "\u00c9COLE", "\u00c6r\u00f8",
    "Dvo\u0159\u00e1k", "\u01c5", "\u0149", "a\u0345", "e\u0301", "\u0420\u0457\u0421\u0402", "!!", "??", "...",
    "(", ")", "#", "@", "$", "%", "^", "*", "-", "_", "=", "+", "[", "]", "{", "}", "|", "\\", "/", ":", ";", ",",
    ".", "~", "`", "'", '"',
]
SEPARATORS = [" ", " ", " ", "", "  ", "\n", "-"]


def main():
    rng = random.Random(7)
    tok = st.SimpleTokenizer()
    for _ in range(500):
        parts = []
        for _ in range(rng.randint(1, 14)):
            parts.append(rng.choice(PIECES))
            parts.append(rng.choice(SEPARATORS))
        text = "".join(parts)
        if rng.random() < 0.3:
            text = text.upper()
        cleaned = st.whitespace_clean(st.basic_clean(text)).lower()
        body = tok.encode(text)
        ids = [49406] + body + [49407]
        row = {
            "category": "fuzz",
            "text": text,
            "cleaned": cleaned,
            "pre_tokens": regex.findall(tok.pat, cleaned),
            "ids": ids,
            "num_tokens": len(ids),
            "decoded": tok.decode(body),
            "ftfy_changes_input": ftfy.fix_text(text) != text,
        }
        sys.stdout.write(json.dumps(row, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
