/**
 * CLIP's byte-level BPE tokenizer in plain Java ({@link apprentice.core.tokenizer.ClipTokenizer}),
 * reproducing openai/CLIP's reference {@code SimpleTokenizer.encode} (commit d05afc4), which is
 * what Stable Diffusion's text encoders were trained with.
 *
 * <h2>Pipeline</h2>
 * <ol>
 * <li>ftfy 6.3 {@code fix_text} with default settings, re-implemented in
 * {@code TextFixer}: HTML entities (only while the text has no {@code <}), mojibake
 * ({@code MojibakeRepair}), C1 controls as Windows-1252, Latin ligatures, full-/half-width forms,
 * curly quotes, line breaks, lone surrogates, terminal escapes, control characters and BOM, NFC;
 * repeated until stable, line by line.</li>
 * <li>Python's {@code html.unescape} twice ({@code PythonHtmlUnescaper}, the full HTML5 entity
 * table shipped as {@code html5-entities.tsv}, generated from CPython's
 * {@code html.entities.html5} = the WHATWG list).</li>
 * <li>{@code strip()}, whitespace runs → one space (Unicode White_Space), {@code strip()},
 * {@code lower()} ({@code Locale.ROOT}: same full lower-casing, {@code İ} → {@code i̇}, final
 * sigma).</li>
 * <li>The CLIP regex (special tokens, contractions, letter runs, single digits, other runs),
 * each piece's UTF-8 bytes mapped to byte characters, {@code </w>} on the last, BPE by lowest
 * merge rank (cached per word). Typed {@code <|startoftext|>} / {@code <|endoftext|>} map to
 * their ids directly.</li>
 * </ol>
 *
 * <h2>Agreement with the reference</h2>
 * All 335 rows of the shared golden vectors (232 ASCII, 103 non-ASCII, among them 38 that ftfy
 * changes: entities, mojibake, ligatures, width forms, quotes, control characters, BOM, line
 * separators) match in cleaned text, regex pieces, ids, 77-id input and decoded text, and so do
 * all 66 further edge cases ({@code golden/clip/extra.jsonl} in the tests: mojibake including
 * Windows-1251, legitimate look-alikes, entities, controls, case and final sigma, marks, letters
 * and digits newer than the JDK's Unicode data, special tokens, truncation). Of 500 seeded
 * random mixtures of words, scripts, emoji, entities, controls and mojibake fragments
 * ({@code fuzz.jsonl}), 495 match. The golden test asserts that exactly the listed known gaps
 * differ, so the lists cannot silently grow or go stale: none in golden.jsonl and extra.jsonl;
 * five in fuzz.jsonl, all lines where mojibake fragments sit next to other non-ASCII text and
 * ftfy's heuristic, a set of regular expressions we do not port, decides differently from our
 * evidence rule (e.g. ftfy leaves {@code Â©} alone when the letter and space before it make its
 * detector's match undecodable).
 *
 * <p>Measured against ftfy 6.3.1 itself on the inputs of ftfy's own test suite
 * ({@code tests/test_cases.json}: 160 hard mojibake cases and their 112 distinct correct texts,
 * cleaned as the reference does): 119 of the 160 and all 112 come out identical. The misses are
 * encodings we do not try, CESU-8 emoji, sequences damaged into U+FFFD or '?', and cases where
 * ftfy's heuristic decides differently.
 *
 * <h2>Known differences outside the golden vectors</h2>
 * <ul>
 * <li>Mojibake: UTF-8 read as Latin-1/Windows-1252 (and whole lines read as Windows-1251) is
 * repaired by our own evidence rule (see {@code MojibakeRepair}), not by ftfy's badness
 * heuristic, which is not ported; ftfy's other single-byte encodings (Windows-1250/1253/1254/
 * 1257, ISO-8859-2, MacRoman, CP437), lossy sequences and CESU-8 are not reproduced. Such prompts
 * may tokenize differently from the reference.</li>
 * <li>Unicode versions: letters and digits for the pre-tokenizer come from the reference
 * regex module's own tables (Unicode 15.0, shipped as {@code regex-letters-numbers.tsv}), and
 * lower-casing is supplemented for the 40 letters Python 3.11 (Unicode 14.0) lower-cases but
 * JDK 17 (Unicode 13.0) does not know. NFC and the other character properties come from the
 * JDK; NFC of every single code point agrees with Python's Unicode 14.0 on JDK 17, but
 * characters newer than the JDK's data are not normalised.</li>
 * <li>IGNORECASE: every code point was tested against the reference module's classes with and
 * without the flag; only U+0345 differs, and it is dropped as the reference drops it. The
 * literal alternatives use Java's Unicode case-insensitive comparison.</li>
 * </ul>
 */
package apprentice.core.tokenizer;
