"""Irregular English word forms mapped to the form the stemmer handles.

Snowball strips suffixes; it cannot know that "shot" is "shoot" or "fled" is "flee".
News questions and answers use different tenses ("Who shot the officer?" against "…
was shot dead on Monday"), so the commonest irregular verbs and plurals are mapped to
their base form before stemming. Ambiguous forms ("left", "lay", "bit", "felt") are
left out: a wrong mapping costs more than a missed one. So are "wound" (in news, an
injury, not the past of "wind") and "fed" (the Fed, more often than the past of "feed").
"""

from __future__ import annotations

_BASE_FORMS = {
    "shoot": "shot", "lead": "led", "hold": "held", "flee": "fled", "tell": "told",
    "win": "won", "lose": "lost", "fight": "fought", "catch": "caught", "buy": "bought",
    "sell": "sold", "begin": "began begun", "take": "took taken", "give": "gave given",
    "find": "found", "meet": "met", "pay": "paid", "run": "ran", "send": "sent",
    "spend": "spent", "stand": "stood", "strike": "struck stricken", "think": "thought",
    "write": "wrote written", "see": "saw seen", "go": "went gone", "come": "came",
    "become": "became", "bring": "brought", "choose": "chose chosen",
    "drive": "drove driven", "fall": "fell fallen", "keep": "kept", "know": "knew known",
    "mean": "meant", "rise": "rose risen", "speak": "spoke spoken", "steal": "stole stolen",
    "throw": "threw thrown", "wear": "wore worn", "build": "built", "deal": "dealt",
    "dig": "dug", "freeze": "froze frozen", "grow": "grew grown",
    "hide": "hid hidden", "ride": "rode ridden", "sing": "sang sung", "sink": "sank sunk",
    "sit": "sat", "sleep": "slept", "shake": "shook shaken", "seek": "sought",
    "teach": "taught", "tear": "tore torn", "understand": "understood",
    "withdraw": "withdrew withdrawn", "eat": "ate eaten", "draw": "drew drawn",
    "fly": "flew flown", "break": "broke broken", "blow": "blew blown",
    "forget": "forgot forgotten",
    "forgive": "forgave forgiven", "swear": "swore sworn", "wake": "woke woken",
    "arise": "arose arisen", "bear": "bore borne", "bind": "bound", "bleed": "bled",
    "breed": "bred", "cling": "clung", "creep": "crept", "dream": "dreamt",
    "hang": "hung", "kneel": "knelt", "lend": "lent",
    "light": "lit", "make": "made", "overcome": "overcame", "ring": "rang rung",
    "shine": "shone", "shrink": "shrank shrunk", "slide": "slid", "spin": "spun",
    "spring": "sprang sprung", "sting": "stung", "stick": "stuck", "swim": "swam swum",
    "swing": "swung", "weep": "wept", "undertake": "undertook undertaken",
    "man": "men", "woman": "women", "child": "children", "foot": "feet", "tooth": "teeth",
    "mouse": "mice", "get": "got gotten", "slay": "slain",
}

IRREGULAR = {form: base for base, forms in _BASE_FORMS.items() for form in forms.split()}
