"""Generates extra.jsonl: more edge cases run through the reference CLIP tokenizer.

Usage: PYTHONPATH=<dir with openai/CLIP's clip/simple_tokenizer.py and bpe_simple_vocab_16e6.txt.gz>
       python3 generate_extra.py > extra.jsonl
Needs ftfy 6.3.1 and the `regex` module 2022.10.31 (as in the environment that made golden.jsonl).
The reference code is imported, not copied.
"""
import json
import sys

import ftfy
import regex
import simple_tokenizer as st

def mojibake(text, nbsp_as_space=False):
    """UTF-8 bytes read as Windows-1252 (bytes it leaves undefined read as Latin-1)."""
    out = "".join(bytes([b]).decode("windows-1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))
    return out.replace("\u00a0", " ") if nbsp_as_space else out


def mojibake_1251(text):
    """UTF-8 bytes read as Windows-1251 (its unassigned byte 0x98 read as Latin-1)."""
    return "".join(bytes([b]).decode("windows-1251", errors="ignore") or chr(b) for b in text.encode("utf-8"))


CASES = [
    # mojibake: UTF-8 read as Latin-1 / Windows-1252, once or twice
    ("mojibake", "s\u00c3\u00b3"),
    ("mojibake", "\u00c3\u2030COLE"),
    ("mojibake", "l'\u00c3\u00a9t\u00c3\u00a9 na\u00c3\u00afve"),
    ("mojibake", "TR\u00c3\u02c6S BIEN"),
    ("mojibake", "\u00d0\u00bf\u00d1\u20ac\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u201a"),
    ("mojibake", "\u00e6\u2014\u00a5\u00e6\u0153\u00ac\u00e8\u00aa\u017e"),
    ("mojibake", "\u00f0\u0178\u02dc\u20ac smile"),
    ("mojibake", "it\u00e2\u20ac\u2122s caf\u00c3\u00a9 and \u201cCAF\u00c9\u201d"),
    ("mojibake", "&macr;\\_(\u00e3\u0083\u0084)_/&macr;"),
    ("mojibake", "Broken text&hellip; it&#x2019;s \ufb02ubberi\ufb01c!"),
    ("mojibake", "voil\u00c3\u00a0 le travail"),
    ("mojibake", "voil\u00c3 le travail"),
    ("mojibake", "\u00c2\u00a9 2024 \u00c2\u00bb quote"),
    ("mojibake", "\u0420\u0457\u0421\u0402\u0420\u0451\u0420\u0406\u0420\u00b5\u0421\u201a"),
    ("mojibake", "a\u0080b a\u0081b"),
    ("mojibake", "irm\u00c3 e eu, \u00c3 s vezes, f\u00c3 cil"),
    ("mojibake", "x\u00c2 y \u00c3  double"),
    ("lookalike", "MINHA IRM\u00c3 E EU. word. \u00c3 x"),
    ("mojibake", mojibake("Ti\u1ebfng Vi\u1ec7t l\u00e0 ng\u00f4n ng\u1eef")),
    ("mojibake", mojibake("\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22", nbsp_as_space=True)),
    ("mojibake", mojibake("\u017dlu\u0165ou\u010dk\u00fd k\u016f\u0148 \u2014 \u0130stanbul")),
    ("mojibake", mojibake("na\u00efve \u00bd \u00d7 \u00b5m")),
    ("mojibake", mojibake_1251("\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439, \u043c\u0438\u0440! it\u2019s \u00e9t\u00e9")),
    ("lookalike", "\u00ab\u041d\u0415\u0422\u00bb \u2014 \u0414\u0410 \u0412\u0406\u041d \u0457\u0457"),
    # legitimate text that resembles mojibake
    ("lookalike", "a fan of Zo\u00eb\u2026\u201d she said"),
    ("lookalike", "NESTL\u00c9\u00ae caf\u00e9 \u00e0 l\u00e1\u00b4\u00b4"),
    ("lookalike", "the \u00c3\u2019s of the word"),
    ("lookalike", "QUEM \u00c9\u00bf S\u00c9\u00a1 5\u00d7\u00a335"),
    ("lookalike", "\u201cCAF\u00c9\u201d"),
    ("lookalike", "\u00c4\u201c and \u00d7\u00b2"),
    ("lookalike", "\u00ab\u00c0 bient\u00f4t\u00bb"),
    ("lookalike", "PR\u00c9\u2026 MAR\u00c7\u00c3O"),
    ("lookalike", "\u00c3 \u00c2"),
    # entities
    ("entities", "&EACUTE;cole &NTILDE; &nTILDE;"),
    ("entities", "&copy2024 &notit; &amp &ampx"),
    ("entities", "&#128512; &#0; &#x80; &#1;x"),
    ("entities", "a &lt;b&gt; and <c> &amp; &EACUTE;"),
    ("entities", "&EACUTE;\n<x>\n&EACUTE;"),
    ("entities", "&NotEqualTilde; &fjlig; &#x110000;"),
    ("entities", "fish&chips; AT&amp;T"),
    # whitespace and controls
    ("whitespace", "a\u001cb\u001dc"),
    ("whitespace", "a\u180eb\u2060c\u00add"),
    ("whitespace", "a\u000bb\u000cc\u0085d"),
    ("whitespace", "\u001b]0;title\u0007text"),
    ("whitespace", "tab\u2029para\u202fnarrow"),
    # case and ligatures
    ("case", "STRASSE stra\u00dfe \u1e9e \u017fome"),
    ("case", "IT\u017f IT'S it'\u017f DON'T"),
    ("case", "\u01c5\u01c4\u01c6 \u0149 \ufb05 \ufb06"),
    ("case", "\u03a3 \u0391\u03a3. \u03a3\u0391\u03a3 \u039f\u03a3\u039f\u03a3"),
    ("case", "\u1fbc \u2126 \u212a \u212b \u0130I"),
    ("case", "\u03a3\u0391\u03a3-CAT \u039f\u0394\u039f\u03a3.\u03a3\u0391\u03a3 \u0391\u03a3'\u0392 \u0391\u03a3\u0301 \u0391\u0301\u03a3 \u0391\u03a3\u02b0 1\u03a3 \u0391\u03a3\u1734"),
    ("case", "\u24b6\u24b7 \u2160\u2161"),
    # combining marks and scripts
    ("marks", "e\u0301 a\u0308\u0301 o\u0323\u0302"),
    ("marks", "a\u0345 \u1fb3"),
    ("marks", "\u0345 x\u0345\u0345y !\u0345?"),
    ("marks", "\u0915\u094d\u0937 \u0e01\u0e34"),
    ("numbers", "3.14 1,000 \uff11\uff12\uff13 \u00b2\u00b3 \u2460\u2461 \U0001d7d8 \u0663"),
    ("numbers", "\U00020000\U0002a6d6 \u3007"),
    ("unicode14", "\u0870\u0871 \U0001fae0"),
    ("unicode14", "a\u0870b \U0001fae0x \U00011f50\U00011f51 \U00031350z \u2c2f\u0107"),
    # special tokens and contractions
    ("special", "<|startoftext|>hello<|endoftext|>"),
    ("special", "<|endoftext <|EndOfText|> <|endoftext|><|endoftext|>"),
    ("special", "''s 's 'S 'LL 'Re \u02bcs \u201bs \u2032s"),
    # truncation boundaries
    ("long", "cat " * 75),
    ("long", "cat " * 76),
    ("long", "\U0001f600" * 30),
]


def main():
    tok = st.SimpleTokenizer()
    out = sys.stdout
    for category, text in CASES:
        cleaned = st.whitespace_clean(st.basic_clean(text)).lower()
        pieces = regex.findall(tok.pat, cleaned)
        body = tok.encode(text)
        ids = [49406] + body + [49407]
        ids77 = ids if len(ids) <= 77 else ids[:76] + [49407]
        ids77 = ids77 + [49407] * (77 - len(ids77))
        row = {
            "category": category,
            "text": text,
            "cleaned": cleaned,
            "pre_tokens": pieces,
            "ids": ids,
            "ids_77": ids77,
            "num_tokens": len(ids),
            "decoded": tok.decode(body),
            "ftfy_changes_input": ftfy.fix_text(text) != text,
        }
        out.write(json.dumps(row, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
