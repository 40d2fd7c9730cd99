"""Seeded synthetic multilingual text for tokenizer goldens (no downloads).

Mixes English prose, code with indentation and tabs, CJK, Hangul, kana, Arabic, Cyrillic, Greek, accented
Latin, emoji (skin tones, ZWJ sequences, flags), numbers, HTML, and whitespace runs, so that a small
BPE vocabulary learns whitespace-run pieces, multi-byte characters and digits like Gemma's does.
"""
import random

ENGLISH = ("the of and to in is was for that with as on by at from his her this which or had not but are "
           "were have one all their there been has more when will would who so no if out up what about into "
           "than them can only other new some could time these two may first then do any like my now over "
           "such our man me even most made after also did many before must through back years where much your "
           "way well down should because each just those people how too little state good very make world "
           "still own see men work long get here between both life being under never day same another know "
           "while last might us great old year off come since against go came right used take three model "
           "token train learning language attention encoder decoder layer weight gradient memory terminal "
           "window screen keyboard quickly slowly happily running jumped house river mountain computer").split()
CHINESE = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明"
JAPANESE = ["こんにちは", "ありがとう", "東京", "カタカナ", "ひらがな", "日本語", "テスト", "です", "ます", "猫が好き"]
KOREAN = ["안녕하세요", "감사합니다", "한국어", "서울", "컴퓨터", "사랑", "학교"]
ARABIC = ["مرحبا", "العالم", "كتاب", "اللغة", "العربية", "شكرا", "مدرسة", "بيت", "سلام", "الحاسوب"]
CYRILLIC = ["привет", "мир", "язык", "модель", "Москва", "спасибо", "данные"]
GREEK = ["γεια", "κόσμος", "λόγος", "αλφα", "Ελλάδα"]
LATIN_ACCENTS = ["café", "naïve", "über", "señor", "façade", "Ångström", "déjà", "vu", "crème", "brûlée", "Zürich"]
EMOJI = ["😀", "😂", "👍", "👍🏽", "❤️", "🎉", "🚀", "🐍", "👨‍👩‍👧‍👦", "🧑‍💻", "🏳️‍🌈", "🇺🇸", "🇯🇵", "✨", "🔥"]
CODE = [
    "def {f}(x, y):\n    return x + y * {n}\n",
    "for i in range({n}):\n\tprint(i)\n",
    "func {f}(_ a: Int) -> Int {{\n    let b = a * {n}\n    return b\n}}\n",
    "if (x == {n}) {{\n\t\treturn {f}(x);\n\t}}\n",
    "let items = [{n}, {n}, {n}]  // comment\n",
    "<div class=\"{f}\">\n  <p>{n}</p>\n</div>\n",
    "SELECT {f} FROM table WHERE id = {n};\n",
]


def english_sentence(rng):
    words = [rng.choice(ENGLISH) for _ in range(rng.randint(3, 14))]
    words[0] = words[0].capitalize()
    s = " ".join(words)
    return s + rng.choice([".", ".", ".", "?", "!", ",", ";", ":"])


def chinese_sentence(rng):
    return "".join(rng.choice(CHINESE) for _ in range(rng.randint(4, 20))) + rng.choice(["。", "，", "！", "？"])


def number(rng):
    return rng.choice([str(rng.randint(0, 99999)), f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}",
                       f"{rng.randint(1900, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                       f"{rng.randint(1, 999)},{rng.randint(0, 999):03d}"])


def piece(rng):
    kind = rng.random()
    if kind < 0.35:
        return english_sentence(rng)
    if kind < 0.45:
        return chinese_sentence(rng)
    if kind < 0.52:
        return " ".join(rng.choice(ARABIC) for _ in range(rng.randint(2, 6)))
    if kind < 0.57:
        return rng.choice(JAPANESE) + rng.choice(JAPANESE) + "。"
    if kind < 0.61:
        return " ".join(rng.choice(KOREAN) for _ in range(rng.randint(1, 4)))
    if kind < 0.65:
        return " ".join(rng.choice(CYRILLIC + GREEK + LATIN_ACCENTS) for _ in range(rng.randint(2, 6)))
    if kind < 0.72:
        return rng.choice(EMOJI) + rng.choice(["", " ", "  "]) + rng.choice(EMOJI)
    if kind < 0.84:
        return rng.choice(CODE).format(f=rng.choice(["foo", "bar", "compute", "main", "x1"]), n=rng.randint(0, 500))
    if kind < 0.92:
        return f"{rng.choice(ENGLISH)} {number(rng)} {rng.choice(ENGLISH)}"
    return rng.choice(["  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", " \n", "        "])


def paragraph(rng):
    parts = [piece(rng) for _ in range(rng.randint(1, 6))]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice([" ", " ", " ", "\n", "\n\n", "  ", "\t"]) + p
    return out


def corpus(seed, target_bytes):
    rng = random.Random(seed)
    out, size = [], 0
    while size < target_bytes:
        p = paragraph(rng)
        out.append(p)
        size += len(p.encode("utf-8")) + 1
    return out
