#!/usr/bin/env python3
"""Tokenizer goldens for Duet's SentencePiece / tokenizer.json readers and its BPE trainer.

Run with the project venv (no downloads, seeded, deterministic):

    /work/venv/bin/python tools/golden/make_tokenizer_goldens.py

1. gemma-like: trains a tiny Gemma-style SentencePiece BPE model (byte fallback, split digits, no dummy
   prefix, identity normalisation, whitespace-only pieces, <pad>/<eos>/<bos>/<unk> at 0..3, user-defined
   <unusedN>/<start_of_turn>/<end_of_turn>) on a synthetic multilingual corpus written by
   synthetic_corpus.py, converts it to tokenizer.json with transformers' GemmaConverter (the converter
   that produced the published Gemma tokenizer.json files), and records ids from `sentencepiece` and from
   `tokenizers` (cross-checked against transformers' AutoTokenizer) for >= 200 strings.
2. duet-trained: writes corpus.txt for Duet's Swift BPETrainer. When Tests/Fixtures/tokenizers/
   duet-trained/tokenizer.json exists (produced by `duet tokenizer train --data corpus.txt --vocab-size 1024
   --out Tests/Fixtures/tokenizers/duet-trained`), records the ids `tokenizers` and AutoTokenizer give for
   it, proving the Swift-written file loads in Python and encodes identically.

Invalid UTF-8: a case with "bytes_b64" holds raw bytes. Python strings cannot hold them, so "text" is
bytes.decode("utf-8", "replace") (maximal-subpart substitution, the same policy as Swift's
String(decoding:as:)); "spm_ids"/"hf_ids" encode that text. "spm_ids_from_bytes" is what
sentencepiece gives for the raw bytes: its normaliser substitutes U+FFFD for *each* invalid byte.
"""
import argparse
import base64
import io
import json
import os
import random
import sys

import sentencepiece as spm
from tokenizers import AddedToken, Tokenizer, processors
from transformers import AutoTokenizer, PreTrainedTokenizerFast
from transformers.convert_slow_tokenizer import GemmaConverter, GemmaSentencePieceExtractor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from synthetic_corpus import corpus, paragraph  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "tokenizers")
GEMMA_DIR = os.path.join(FIXTURES, "gemma-like")
DUET_DIR = os.path.join(FIXTURES, "duet-trained")

CHAT_TEMPLATE = ("{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
                 "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                 "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
                 "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
                 "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
                 "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}")

USER_DEFINED = [f"<unused{i}>" for i in range(12)] + ["<start_of_turn>", "<end_of_turn>", "<h1>"]


def train_sentencepiece():
    sentences = corpus(seed=20240611, target_bytes=1_200_000)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=model, model_type="bpe", vocab_size=3000,
        byte_fallback=True, split_digits=True, add_dummy_prefix=False, remove_extra_whitespaces=False,
        normalization_rule_name="identity", allow_whitespace_only_pieces=True, character_coverage=0.9995,
        pad_id=0, eos_id=1, bos_id=2, unk_id=3, pad_piece="<pad>", eos_piece="<eos>", bos_piece="<bos>",
        unk_piece="<unk>", control_symbols=["<mask>"], user_defined_symbols=USER_DEFINED,
        max_sentence_length=16384, num_threads=1, minloglevel=2)
    return model.getvalue()


class _SlowShim:
    """The attributes GemmaConverter reads from a slow GemmaTokenizer (transformers 5 has no slow class)."""

    def __init__(self, vocab_file):
        self.vocab_file = vocab_file
        self.pad_token, self.eos_token, self.bos_token, self.unk_token = "<pad>", "<eos>", "<bos>", "<unk>"
        self.add_prefix_space = False


class _Extractor(GemmaSentencePieceExtractor):
    def __init__(self, model):
        super().__init__(model)
        self.sp = spm.SentencePieceProcessor(model_file=model)  # transformers 5 forgets to set it


class _Converter(GemmaConverter):
    SpmExtractor = _Extractor


def convert_to_tokenizer_json(model_path):
    tok = _Converter(_SlowShim(model_path)).converted()
    # <unk> is type UNKNOWN, which the converter skips; transformers registers it as a special token on
    # load anyway, and the published Gemma files list it in added_tokens, so add it here too.
    tok.add_special_tokens([AddedToken("<unk>", normalized=False, special=True)])
    # What the published Gemma 2 tokenizer.json files carry: BOS prepended, no EOS.
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A", pair="<bos> $A <bos> $B:1", special_tokens=[("<bos>", 2)])
    return tok


def tokenizer_config(extra=None):
    config = {
        "add_bos_token": True, "add_eos_token": False,
        "bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>",
        "additional_special_tokens": ["<start_of_turn>", "<end_of_turn>"],
        "chat_template": CHAT_TEMPLATE, "clean_up_tokenization_spaces": False,
        "model_max_length": 8192, "padding_side": "left", "tokenizer_class": "PreTrainedTokenizerFast",
    }
    config.update(extra or {})
    return config


def handcrafted_cases():
    """Edge cases every tokenizer must get right; (name, text or bytes)."""
    cases = [
        ("empty", ""), ("space", " "), ("two spaces", "  "), ("many spaces", " " * 17), ("tab", "\t"),
        ("tabs", "\t\t\t"), ("newline", "\n"), ("newlines", "\n\n\n\n"), ("crlf", "line\r\nnext\r\n"),
        ("mixed ws", " \t \n  \t\n"), ("leading trailing", "   hello world   "),
        ("ascii", "Hello, world! How are you today?"), ("digits", "1234567890"),
        ("digits mixed", "Call 555-0199 at 10:30, pay $1,234.56 (or 7%)."), ("year", "In 2024 and 1999."),
        ("cjk", "我们是中国人，这是一个测试。"), ("japanese", "こんにちは、東京の猫です。"),
        ("korean", "안녕하세요 세계"), ("arabic", "مرحبا بالعالم العربية"),
        ("arabic digits", "٠١٢٣٤٥٦٧٨٩"), ("cyrillic", "Привет, мир!"), ("greek", "Γεια σου κόσμε"),
        ("accents", "café naïve über señor façade"), ("combining", "e\u0301 a\u0308 n\u0303"),
        ("emoji", "😀😂👍"), ("emoji skin", "👍🏽👋🏿"), ("zwj family", "👨‍👩‍👧‍👦"),
        ("zwj technologist", "🧑‍💻 writes code"), ("rainbow flag", "🏳️‍🌈"), ("flags", "🇺🇸🇯🇵🇩🇪"),
        ("rare emoji", "🦩🪼🫎"), ("math alnum", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛"), ("rare cjk", "𠀀𠀁𪚥"),
        ("devanagari", "नमस्ते दुनिया"), ("thai", "สวัสดีชาวโลก"), ("hebrew", "שלום עולם"),
        ("control chars", "a\x00b\x01c\x7f"), ("nbsp", "a\u00a0b\u2009c\u3000d"), ("bom", "\ufeffstart"),
        ("replacement char", "\ufffd"), ("private use", "\ue000\U000f0000"),
        ("code python", "def f(x):\n    return x + 1\n"), ("code tabs", "if (x) {\n\t\treturn y;\n\t}\n"),
        ("html", "<div class=\"a\"><p>text</p></div>"), ("h1 user symbol", "<h1>Title</h1>"),
        ("literal start_of_turn", "<start_of_turn>user\nHi<end_of_turn>\n"),
        ("literal bos", "<bos>hello"), ("literal bos mid", "say <bos> and <eos> and <pad>"),
        ("literal unk", "<unk>"), ("literal mask", "<mask>"),
        ("unused longest match", "<unused1><unused10><unused11><unused1"),
        ("unused partial", "<unused<unused2>>"), ("spaced specials", "  <start_of_turn>  model \n"),
        ("lt gt", "a < b > c <> <<>>"), ("byte piece text", "<0x41> <0xFF>"),
        ("metaspace char", "a\u2581b \u2581\u2581"), ("long word", "supercalifragilisticexpialidocious" * 3),
        ("repeat", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("repeat cjk", "的的的的的的的的的的的的"), ("punct run", "!!!???...,,,;;;"),
        ("chat rendered", "<bos><start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n"),
        ("url", "https://example.com/path?q=1&r=two#frag"), ("email", "someone@example.org"),
        ("json", "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}"),
    ]
    invalid = [
        ("invalid ff", b"\xff"), ("invalid mixed", b"a\xff\xe2\x82b"), ("lone continuation", b"\x80\x80x"),
        ("truncated emoji", b"\xf0\x9f\x98"), ("overlong", b"\xc0\xafz"), ("surrogate", b"\xed\xa0\x80!"),
        ("invalid then valid", b"\xfe\xe4\xbd\xa0\xe5\xa5\xbd"),
    ]
    return cases, invalid


def chat_conversations():
    """Conversations for the Gemma chat template (it has no system role)."""
    return [
        ([{"role": "user", "content": "Hello!"}], True),
        ([{"role": "user", "content": "Hello!"}], False),
        ([{"role": "user", "content": "  What is 2+2?\n\n"}, {"role": "assistant", "content": "4.  "},
          {"role": "user", "content": "\tAnd 3+3? "}], True),
        ([{"role": "user", "content": "\u00a0\u3000\x1c trim unicode spaces \u2028"},
          {"role": "model", "content": "ok"}], False),
        ([{"role": "user", "content": "写一首诗 🌸"}, {"role": "assistant", "content": "春眠不觉晓。"},
          {"role": "user", "content": "<bos> and <start_of_turn> inside"}], True),
        ([{"role": "user", "content": ""}], True),
    ]


def generated_cases(count):
    rng = random.Random(77)
    out = []
    for i in range(count):
        text = paragraph(rng)
        if i % 5 == 0:
            text = text[: rng.randint(1, max(1, len(text)))]  # cut mid-anything
        out.append((f"generated {i}", text))
    return out


def hf_ids(tok, text, specials):
    return tok.encode(text, add_special_tokens=specials).ids


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_goldens(path, header, lists):
    """Compact JSON with one case per line (readable diffs, small files)."""
    parts = [json.dumps(header, ensure_ascii=False)[:-1]]
    for key, items in lists.items():
        rows = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items)
        parts.append(f', "{key}": [\n{rows}\n]')
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts) + "}\n")


def make_gemma_like():
    os.makedirs(GEMMA_DIR, exist_ok=True)
    model_bytes = train_sentencepiece()
    model_path = os.path.join(GEMMA_DIR, "tokenizer.model")
    with open(model_path, "wb") as f:
        f.write(model_bytes)
    sp = spm.SentencePieceProcessor(model_file=model_path)
    tok = convert_to_tokenizer_json(model_path)
    tok.save(os.path.join(GEMMA_DIR, "tokenizer.json"))
    write_json(os.path.join(GEMMA_DIR, "tokenizer_config.json"), tokenizer_config())
    tok = Tokenizer.from_file(os.path.join(GEMMA_DIR, "tokenizer.json"))
    auto = AutoTokenizer.from_pretrained(GEMMA_DIR)
    assert isinstance(auto, PreTrainedTokenizerFast), type(auto)

    texts, invalid = handcrafted_cases()
    texts += generated_cases(160)
    cases = []
    for name, text in texts:
        spm_ids = sp.encode(text)
        ids = hf_ids(tok, text, False)
        assert auto.encode(text, add_special_tokens=False) == ids, name
        assert auto.encode(text) == hf_ids(tok, text, True), name
        cases.append({"name": name, "text": text, "spm_ids": spm_ids, "hf_ids": ids,
                      "hf_ids_special": hf_ids(tok, text, True),
                      "spm_decoded": sp.decode(spm_ids), "hf_decoded": tok.decode(ids)})
    for name, raw in invalid:
        text = raw.decode("utf-8", "replace")
        spm_ids = sp.encode(text)
        ids = hf_ids(tok, text, False)
        cases.append({"name": name, "bytes_b64": base64.b64encode(raw).decode(), "text": text,
                      "spm_ids": spm_ids, "spm_ids_from_bytes": sp.encode(raw), "hf_ids": ids,
                      "hf_ids_special": hf_ids(tok, text, True),
                      "spm_decoded": sp.decode(spm_ids), "hf_decoded": tok.decode(ids)})
    byte_ids = [sp.piece_to_id(f"<0x{b:02X}>") for b in range(256)]
    decode_cases = []
    sot, eot = sp.piece_to_id("<start_of_turn>"), sp.piece_to_id("<end_of_turn>")
    for ids in ([2, sot, byte_ids[0x41], eot, 1], [sp.piece_to_id("<unused3>"), sp.piece_to_id("<mask>")], [byte_ids[0xE2], byte_ids[0x82]], [byte_ids[0x41], byte_ids[0xE2], byte_ids[0x82], byte_ids[0xAC]],
                [3], [0, 2, 1], [byte_ids[0xF0], byte_ids[0x9F], byte_ids[0x98], byte_ids[0x80], 2, byte_ids[0x41]]):
        decode_cases.append({"ids": ids, "spm_decoded": sp.decode(ids), "hf_decoded": tok.decode(ids),
                             "hf_decoded_with_special": tok.decode(ids, skip_special_tokens=False)})
    chat_cases = []
    for messages, generation_prompt in chat_conversations():
        rendered = auto.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)
        encoded = auto.apply_chat_template(messages, tokenize=True, add_generation_prompt=generation_prompt)
        if not isinstance(encoded, list):
            encoded = encoded["input_ids"]
        assert rendered.startswith("<bos>")
        chat_cases.append({"messages": messages, "add_generation_prompt": generation_prompt, "rendered": rendered,
                           "hf_ids": encoded, "spm_ids": [sp.bos_id()] + sp.encode(rendered[len("<bos>"):])})
    write_goldens(os.path.join(GEMMA_DIR, "goldens.json"), {
        "generator": "tools/golden/make_tokenizer_goldens.py",
        "versions": {"sentencepiece": spm.__version__, "tokenizers": __import__("tokenizers").__version__,
                     "transformers": __import__("transformers").__version__},
        "vocab_size": sp.get_piece_size()}, {"cases": cases, "decode_cases": decode_cases, "chat_cases": chat_cases})
    print(f"gemma-like: vocab {sp.get_piece_size()}, {len(cases)} cases")


DUET_TRAIN_NOTE = ("duet tokenizer train --data Tests/Fixtures/tokenizers/duet-trained/corpus.txt "
                   "--vocab-size 1024 --unused-tokens 4 --out Tests/Fixtures/tokenizers/duet-trained")


def make_duet_trained(tokenizer_json):
    os.makedirs(DUET_DIR, exist_ok=True)
    corpus_path = os.path.join(DUET_DIR, "corpus.txt")
    with open(corpus_path, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus(seed=4242, target_bytes=60_000)) + "\n")
    if not os.path.exists(tokenizer_json):
        print(f"duet-trained: wrote corpus.txt; now run `{DUET_TRAIN_NOTE}` and rerun this script")
        return
    tok = Tokenizer.from_file(tokenizer_json)
    auto = AutoTokenizer.from_pretrained(os.path.dirname(os.path.abspath(tokenizer_json)))
    texts, invalid = handcrafted_cases()
    texts += [(n, raw.decode("utf-8", "replace")) for n, raw in invalid]
    texts += generated_cases(60)
    cases = []
    for name, text in texts:
        ids = tok.encode(text, add_special_tokens=False).ids
        with_special = tok.encode(text).ids
        assert auto.encode(text, add_special_tokens=False) == ids, name
        assert auto.encode(text) == with_special, name
        cases.append({"name": name, "text": text, "hf_ids": ids, "hf_ids_special": with_special,
                      "hf_decoded": tok.decode(ids)})
    write_goldens(os.path.join(DUET_DIR, "goldens.json"), {
        "generator": "tools/golden/make_tokenizer_goldens.py", "trained_with": DUET_TRAIN_NOTE,
        "versions": {"tokenizers": __import__("tokenizers").__version__,
                     "transformers": __import__("transformers").__version__},
        "auto_tokenizer_class": type(auto).__name__}, {"cases": cases})
    print(f"duet-trained: {len(cases)} cases, loaded as {type(auto).__name__}")


FEATURES_DIR = os.path.join(FIXTURES, "features")


def feature_tokenizers():
    """Small tokenizer.json pipelines beyond Gemma's, trained with `tokenizers` itself."""
    from tokenizers import decoders, models, normalizers, pre_tokenizers, trainers
    made = {}

    # GPT-2 style byte-level BPE with added tokens using lstrip / rstrip / single_word.
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=True)
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    made["bytelevel"] = (tok, trainer, [AddedToken("[MASK]", lstrip=True, special=True),
                                        AddedToken("<rs>", rstrip=True, special=True),
                                        AddedToken("hello", single_word=True, normalized=False, special=False)])

    # Metaspace (prepend first, split) + Digits, NFKC + Lowercase normalizers, <s> $A </s>.
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first", split=True),
                                                 pre_tokenizers.Digits(individual_digits=True)])
    tok.decoder = decoders.Sequence([decoders.Metaspace(replacement="\u2581", prepend_scheme="first"), decoders.ByteFallback(),
                                     decoders.Fuse()])
    bytes_tokens = [f"<0x{b:02X}>" for b in range(256)]
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"] + bytes_tokens, show_progress=False)
    made["metaspace"] = (tok, trainer, [AddedToken("<sep>", normalized=True, special=False)])

    # Legacy Llama: Prepend + Replace normalizers, no pre-tokenizer, Strip decoder, "a b" merges.
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    tok.decoder = decoders.Sequence([decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(content=" ", left=1, right=0)])
    trainer = trainers.BpeTrainer(vocab_size=900, special_tokens=["<unk>", "<s>", "</s>"] + bytes_tokens, show_progress=False)
    made["legacy-llama"] = (tok, trainer, [])

    # Word-level splitting with ## prefixes, </w> suffixes and unknowns (no byte fallback).
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>", fuse_unk=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Whitespace()])
    trainer = trainers.BpeTrainer(vocab_size=500, special_tokens=["[UNK]", "[CLS]", "[SEP]"], show_progress=False,
                                  continuing_subword_prefix="##", end_of_word_suffix="</w>")
    made["wordsplit"] = (tok, trainer, [])
    return made


def make_features():
    os.makedirs(FEATURES_DIR, exist_ok=True)
    sentences = corpus(seed=99, target_bytes=150_000)
    texts, invalid = handcrafted_cases()
    texts = [t for t in texts if t[0] not in ("long word", "repeat")]
    texts += [(n, raw.decode("utf-8", "replace")) for n, raw in invalid]
    texts += generated_cases(12)
    texts += [("added lstrip", "fill  [MASK] in"), ("added rstrip", "a <rs>   b"), ("single word", "hello, hellothere ohello hello"),
              ("sep normalized", "A <SEP> b <sep>"), ("upper", "ÉCOLE Straße ﬁ ①"), ("eot", "a<|endoftext|>b")]
    for name, (tok, trainer, added) in feature_tokenizers().items():
        tok.train_from_iterator(sentences, trainer=trainer)
        if added:
            tok.add_tokens(added)
        if name == "metaspace":
            tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", tok.token_to_id("<s>")),
                                                                                                    ("</s>", tok.token_to_id("</s>"))])
        if name == "legacy-llama":
            tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))])
        if name == "wordsplit":
            tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
        path = os.path.join(FEATURES_DIR, f"{name}.json")
        data = json.loads(tok.to_str())
        if name == "wordsplit":
            # The trainer numbers "##x" alphabet tokens in hash-map order; renumber for a stable file.
            vocab = data["model"]["vocab"]
            specials = sorted((i, t) for t, i in vocab.items() if i < 3)
            rest = sorted(t for t, i in vocab.items() if i >= 3)
            data["model"]["vocab"] = {t: i for i, t in enumerate([t for _, t in specials] + rest)}
        if name == "legacy-llama":  # the older "a b" merge format
            assert all(" " not in a and " " not in b for a, b in data["model"]["merges"])
            data["model"]["merges"] = [f"{a} {b}" for a, b in data["model"]["merges"]]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        tok = Tokenizer.from_file(path)
        cases = [{"name": n, "text": t, "hf_ids": tok.encode(t, add_special_tokens=False).ids,
                  "hf_ids_special": tok.encode(t).ids, "hf_decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids)}
                 for n, t in texts]
        write_goldens(os.path.join(FEATURES_DIR, f"{name}.goldens.json"), {"generator": "tools/golden/make_tokenizer_goldens.py"},
                      {"cases": cases})
        print(f"features/{name}: vocab {tok.get_vocab_size()}, {len(cases)} cases")


def make_sentencepiece_flags():
    """Small SentencePiece models exercising the NormalizerSpec flags Gemma leaves off, and UNUSED pieces."""
    from sentencepiece import sentencepiece_model_pb2 as model_pb2
    os.makedirs(FEATURES_DIR, exist_ok=True)
    sentences = corpus(seed=7, target_bytes=120_000)
    texts, invalid = handcrafted_cases()
    texts = [t for t in texts if t[0] not in ("long word", "repeat", "json", "url")]
    texts += [(n, raw.decode("utf-8", "replace")) for n, raw in invalid]
    texts += generated_cases(12)
    texts += [("spaces around", "   lead and trail   "), ("inner runs", "a    b \t  c"), ("only spaces", "     "),
              ("space before symbol", "x <h1> y")]

    def train(**flags):
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences), model_writer=model, model_type="bpe", vocab_size=600, byte_fallback=True,
            character_coverage=0.99, normalization_rule_name="identity", user_defined_symbols=["<h1>"], max_sentence_length=16384,
            num_threads=1, minloglevel=2, **flags)
        return model.getvalue()

    variants = {}
    variants["spm-dummy-prefix"] = train(add_dummy_prefix=True, remove_extra_whitespaces=True)
    proto = model_pb2.ModelProto()
    proto.ParseFromString(variants["spm-dummy-prefix"])
    proto.normalizer_spec.escape_whitespaces = False
    variants["spm-no-escape"] = proto.SerializeToString()
    proto = model_pb2.ModelProto()
    proto.ParseFromString(variants["spm-dummy-prefix"])
    # Mark some merged pieces UNUSED: sentencepiece still merges through them, then splits them back.
    marked = [i for i, p in enumerate(proto.pieces) if p.type == 1 and len(p.piece) >= 3][:12]
    for i in marked:
        proto.pieces[i].type = 5
    variants["spm-unused"] = proto.SerializeToString()
    variants["spm-suffix"] = train(add_dummy_prefix=True, remove_extra_whitespaces=False, treat_whitespace_as_suffix=True)
    for name, data in variants.items():
        with open(os.path.join(FEATURES_DIR, f"{name}.model"), "wb") as f:
            f.write(data)
        sp = spm.SentencePieceProcessor(model_proto=data)
        cases = [{"name": n, "text": t, "spm_ids": sp.encode(t), "spm_decoded": sp.decode(sp.encode(t))} for n, t in texts]
        write_goldens(os.path.join(FEATURES_DIR, f"{name}.goldens.json"), {"generator": "tools/golden/make_tokenizer_goldens.py"},
                      {"cases": cases})
        print(f"features/{name}: vocab {sp.get_piece_size()}, {len(cases)} cases")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duet-tokenizer", default=os.path.join(DUET_DIR, "tokenizer.json"),
                        help="tokenizer.json written by Duet's BPETrainer (default: the committed fixture)")
    parser.add_argument("--skip-gemma", action="store_true", help="only redo the duet-trained goldens")
    args = parser.parse_args()
    if not args.skip_gemma:
        make_gemma_like()
        make_features()
        make_sentencepiece_flags()
    make_duet_trained(args.duet_tokenizer)


if __name__ == "__main__":
    main()
