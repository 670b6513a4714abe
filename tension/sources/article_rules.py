"""Extra vocabulary and gazetteer entries for the article coder, added after the first unseen run (docs/text.md,
"Development after the first unseen run"). They apply to articles only (``tension.sources.article``); timelines keep
the packaged rules. Every entry is generic news wording, each with a unit test in tests/test_article.py.

``EXTRA_RULES`` rows are ``(type, pattern, note, swap)``. Threats, counter-sanctions and consulate orders are
tried *before* the packaged rules (so "no choice but to retaliate against ... tariffs" is a threat, not tariffs); the
others after them (so "decline a face-to-face meeting" stays a cancellation). ``swap`` marks rules whose matched
party is the actor, not the object: host verbs ("Trump greeted Xi": the visitor acts in the ``visit``) and a quoted
verb of protest right after its subject ("China “firmly opposes” ...").
"""

from __future__ import annotations

import re

from tension.sources.dates import MONTHS, WEEKDAYS

_WEEKDAY = "(?:" + "|".join(w.capitalize() for w in WEEKDAYS) + ")"
_MONTH_NAME = "(?:" + "|".join(m.capitalize() for m in MONTHS) + ")"
_MONTH = "(?:" + _MONTH_NAME[3:-1] + r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_PARTY = r"(?:the\s+)?(?:U\.S\.|US|United States|America|Washington|China|Beijing)"

EXTRA_RULES: tuple[tuple[str, str, str, bool], ...] = (
    ("threat", r"\b(?:(?:has|have|had) no (?:other )?choice but to (?:retaliate|fight back|hit back|respond)|"
               r"(?:vow|promis|pledg|threaten)(?:s|es|ed)? to (?:retaliate|fight back|hit back)|"
               r"(?:vow|promis|pledg|threaten)(?:s|es|ed)? retaliation)\b",
     "a promise to retaliate is a threat, whatever the measure named after it", False),
    ("threat", r"\b(?:will|would|to) take (?:[\w-]+ ){0,3}(?:countermeasures|counter-measures)\b",
     "would take firm countermeasures", False),
    ("accusation", r"\b(?:China|Beijing|the U\.S\.|the US|the United States|Washington|it)\s+[\"“](?:firmly |strongly |"
                   r"resolutely |deeply )?(?:opposes|condemns|deplores|protests|rejects)\b",
     "a quoted verb of protest right after its subject: 'China \u201cfirmly opposes\u201d'", True),
    ("sanctions", r"\bcountermeasures (?:on|against)\s+(?:[\w-]+\s+){0,4}(?:firms|companies|entities|institutions|"
                  r"individuals|executives|officials|managers|contractors|persons)\b",
     "counter-sanctions named as countermeasures on named firms or persons", False),
    ("expulsion", r"\b(?:told|tells|ordered|orders|asked|asks|instructed)\s+" + _PARTY +
                  r"\s+to\s+(?:close|shut(?: down)?)\s+(?:its|the|their)\s+(?:[\w.'’-]+\s+){0,2}consulate",
     "told the other side to close its consulate", False),
    ("accusation", r"\b(?:(?:voic|express)(?:es|ed|ing)\s+(?:its\s+|their\s+|his\s+|her\s+)?(?:resolute|strong|firm|"
                   r"stern|strong dissatisfaction and firm|firm and resolute)\s+(?:opposition|protest|dissatisfaction)|"
                   r"(?:firmly|resolutely|strongly)\s+oppos(?:es|ed|ing)|slam(?:s|med|ming)|lambast(?:s|ed|ing)|"
                   r"rebuk(?:es|ed|ing))\b",
     "voiced resolute opposition, slammed", False),
    ("visit", r"\b(?:greet(?:s|ed|ing)|welcom(?:es|ed|ing))\s+(?:his\s+|her\s+)?(?:(?:Chinese|American|U\.S\.|US)\s+"
              r"counterpart\s+)?(?:President\s+)?(?:[A-Z][\w-]+\s+){1,3}?(?:to|at)\s+(?:his|her|the)\s+"
              r"(?:[\w.'’-]+\s+){0,3}(?:resort|estate|residence|White House|home|ranch)\b",
     "a head of government welcoming a visitor to a residence: the visitor arrives", True),
    ("export_controls", r"\bbanning (?:the )?exports?\b|\bban(?:s|ned|ning)? (?:on )?(?:the )?exports? of\b",
     "is banning exports to ...", False),
    ("talks", r"\b(?:(?:bilateral|closed-door|one-hour|[\w-]+-minute|face-to-face|first)\s+meeting\s+(?:with|between)|"
              r"ha(?:d|ve|s|ld|old|olds)\s+an?\s+(?:[\w-]+\s+){0,2}meeting|"
              r"began\s+(?:their|the|a)\s+(?:[\w-]+\s+)?(?:meeting|talks)|met\s+(?=(?:in|at|on|for|face-to-face)\b))",
     "a bilateral meeting with, had a one-hour meeting, began their meeting, X and Y met in Singapore", False),
    ("phone_call", r"\bspo(?:ke|ken)\s+(?:over|on|by)\s+the\s+(?:tele)?phone\b", "spoken over the phone", False),
    ("agreement", r"\b(?:they|both sides|the two sides|the two leaders|the two countries|both countries|both leaders|"
                  r"the leaders)\s+(?:also\s+)?agreed\s+(?:to|on)\b", "the two sides agreed to", False),
    ("cancellation", r"\b(?:turn(?:s|ed)? down|declin(?:e|es|ed)|reject(?:s|ed)|rebuff(?:s|ed))\s+(?:[\w.'’-]+\s+){0,3}"
                     r"(?:invitation|offer|request)s?\s+(?:to|for)\s+(?:meet|talk|a meeting|talks|a call|visit)",
     "turned down an invitation to meet", False),
    ("talks", r"\b(?:face-to-face|in-person)\s+(?:encounter|meeting|talks|discussions?)|"
              r"\b(?:bilateral\s+)?meeting\s+between\s+(?:[\w.-]+\s+){1,4}and\s+(?:[\w.-]+\s+)?[A-Z][\w-]+\b",
     "face-to-face encounter; a meeting between two named leaders", False),
    ("talks", r"\b(?:two|three|2|3)[- ]days? of (?:[\w-]+ ){0,2}(?:talks|meetings|negotiations|discussions)\b",
     "two days of talks (one row per day, counted back from the day they ended)", False),
    ("talks", r"\bengag(?:e|es|ed|ing) in (?:[\w-]+ ){0,3}(?:talks|discussions|negotiations)\b", "engaged in talks",
     False),
    ("phone_call", r"\b(?:(?:\d+|[a-z]+|half-an|an)-(?:minute|hour)\s+(?:phone\s+|video\s+|telephone\s+)?"
                   r"(?:call|conversation)|" + _WEEKDAY + r"'s\s+(?:phone\s+|video\s+)?call|"
                   + _MONTH_NAME + r"\s+\d{1,2}\s+(?:phone\s+|video\s+)?call|"
                   r"call\s+between\s+(?:the\s+)?(?:[\w.-]+\s+){0,6}?"
                   r"(?:presidents|leaders|heads of state|Xi|Trump|Biden))\b",
     "the 90-minute call between ..., Thursday's call, the January 17 call", False),
    ("agreement", r"\b(?:reach(?:es|ed|ing)?\s+(?:an?\s+|the\s+)?(?:series|number|set)\s+of\s+(?:[\w-]+\s+){0,2}"
                  r"(?:agreements|consensus)|reach(?:es|ed|ing)?\s+(?:[\w-]+\s+){0,2}agreements|"
                  r"reach(?:es|ed|ing)?\s+['‘\"“](?:[\w-]+\s+){0,2}(?:consensus|agreement|deal)|"
                  r"agreement\s+(?:to\s+[\w-]+\s+(?:[\w-]+\s+){0,3})?[ ,]*reached)\b",
     "reached a series of important agreements; reached 'important consensus'; the agreement ... reached", False),
    # General China–US vocabulary added after the second unseen run (kinds of wording it missed, written out
    # for every verb form and near-synonym rather than for the one sentence that showed the gap).
    ("military_activity", r"\b(?:sail(?:s|ed|ing)?|transit(?:s|ed|ing)?|pass(?:es|ed|ing)?|steam(?:s|ed|ing)?|"
                          r"fl(?:y|ies|ew|own|ying)|patroll?(?:s|ed|ing)?)\s+(?:near|through|past|close to|by|over|"
                          r"within\s+(?:[\w-]+\s+){1,3}of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?(?:islands?|islets?|"
                          r"reefs?|shoals?|atolls?|Straits?|Paracels?|Spratlys?|waters|features?)\b|"
                          r"\bsen(?:d|ds|t|ding)\s+(?:[\w-]+\s+){0,3}(?:warships?|ships|destroyers?|cruisers?|"
                          r"carriers?|bombers?|vessels)\s+(?:through|into|near|to)\b|"
                          r"\b(?:freedom[- ]of[- ]navigation|excessive maritime claims)\b|"
                          r"\b(?:Taiwan )?Strait transits?\b|\btransit(?:s|ed|ing)? (?:of )?the (?:Taiwan )?Strait\b",
     "a warship sailing near claimed islands or through the Strait; freedom-of-navigation challenges", False),
    ("accusation", r"\b(?:ma(?:de|kes?|king)|lodg(?:e|es|ed|ing)|fil(?:e|es|ed|ing))\s+(?:a\s+|an\s+)?"
                   r"(?:stern\s+|solemn\s+|strong\s+|serious\s+|formal\s+|diplomatic\s+)*(?:representations?|"
                   r"complaints?|protests?|d[ée]marches?)\b|"
                   r"\bsummon(?:s|ed|ing)?\s+(?:the\s+)?(?:[\w.]+\s+){0,2}(?:ambassador|envoy|charg[ée]|diplomats?)\b|"
                   r"\burg(?:e|es|ed|ing)\s+[^.;]{0,40}?\bto\s+(?:immediately\s+)?(?:withdraw|revoke|rescind|retract|"
                   r"reverse|abandon|drop|cancel|lift|stop|cease|halt|correct|refrain|respect|abide|honou?r)\b",
     "made stern representations, lodged a complaint, summoned the ambassador, urged ... to withdraw", False),
    ("accusation", r"\b(?:China|Beijing|Washington|U\.S\.|US|the United States)(?:\s+on\s+[A-Z]\w+)?\s+"
                   r"(?:strongly\s+|firmly\s+)?"
                   r"protest(?:s|ed)?\b(?!\s+(?:in|by|of|at)\b)", "China protests ... (a government as the subject)",
     True),
    ("threat", r"\b(?:will|would|to|vow(?:s|ed)? to|pledg(?:es|ed) to)\s+(?:resolutely\s+|firmly\s+)?"
               r"(?:take|adopt)\s+(?:[\w-]+\s+(?:and\s+)?){0,3}(?:resolute|firm|forceful|necessary|effective|strong|"
               r"decisive|reciprocal|corresponding)\s+(?:[\w-]+\s+){0,2}(?:measures|steps|actions?|response)\b|"
               r"\b(?:will|would)\s+(?:resolutely|firmly|forcefully)\s+(?:respond|counter|fight back|hit back|"
               r"strike back)\b|\b(?:will|would)\s+(?:make|give)\s+(?:a\s+)?(?:further\s+|firm\s+|resolute\s+)?"
               r"(?:response|responses)\b",
     "will take resolute/effective/necessary measures; will resolutely respond; will make further response", False),
    ("sanctions", r"\b(?:impose|announc(?:e|es|ed|ing)|slap(?:s|ped)?|level(?:s|ed|led)?)\s+(?:[\w-]+\s+){0,2}"
                  r"sanctions\b", "impose sanctions on, announced sanctions against", False),
    ("sanctions", r"\bbann(?:ed|ing|s)\s+(?:[\w-]+\s+){0,5}(?:officials?|entities|companies|firms|individuals|"
                  r"persons|agency|agencies|lawmakers|senators)\s+(?:and\s+(?:[\w-]+\s+){0,4})?from\b",
     "banned four officials from accessing banks / entering the country", False),
    ("tariffs", r"\b(?:counter(?:s|ed|ing)?|retaliat(?:e|es|ed|ing)|respond(?:s|ed|ing)?|hit(?:s|ting)? back|"
                r"str(?:ike|ikes|uck|iking) back)\b[^.;]{0,80}?\bwith\s+(?:[\w%-]+\s+){0,3}(?:tariffs|duties|levies)\b",
     "countered ... with tariffs of its own", False),
    ("talks", r"\b(?:economic and trade|trade|economic|high-level|strategic|security|maritime|consular|"
              r"military|defen[cs]e)\s+(?:consultations|negotiations)\b|"
              r"\bround\s+of\s+(?:[\w-]+\s+){0,3}(?:talks|consultations|negotiations)\b|"
              r"\b(?:wide-ranging|high-level|bilateral|closed-door|marathon|two-day|day-long|in-depth|candid|"
              r"constructive|frank)\s+(?:talks|discussions|consultations)\b",
     "trade consultations, a round of negotiations, wide-ranging talks", False),
    ("agreement", r"\b(?:China and the (?:U\.S\.|US|United States)|the (?:U\.S\.|US|United States) and China|"
                  r"Washington and Beijing|Beijing and Washington)\s+(?:have\s+|had\s+)?agreed\b|"
                  r"\bagree(?:s|d)?\s+to\s+(?:maintain|keep|hold|continue|resume|strengthen|enhance|expand|"
                  r"establish|set up|launch|step up|implement|work|promote|deepen|restore|reopen)\b",
     "China and the US agreed; agree to maintain communication / to hold exchanges", False),
)

#: Officials and spokespeople often named in the dev texts' outlets but absent from the packaged gazetteer.
EXTRA_GAZETTEER: tuple[tuple[str, str, str, float], ...] = (
    ("Li Chenggang", "CHN: Ministry of Commerce (Li Chenggang)", "person", 1.0),
    ("Wu Qian", "CHN: Ministry of National Defense (Wu Qian)", "person", 1.0),
    ("Jen Psaki", "USA: White House (Jen Psaki)", "person", 1.0),
    ("Psaki", "USA: White House (Jen Psaki)", "person", 1.0),
    ("Karoline Leavitt", "USA: White House (Karoline Leavitt)", "person", 1.0),
    ("Morgan Ortagus", "USA: State Department (Morgan Ortagus)", "person", 1.0),
    ("Ortagus", "USA: State Department (Morgan Ortagus)", "person", 1.0),
    ("Vice Premier He", "CHN: He Lifeng", "person", 1.0),
    ("Laura Rosenberger", "USA: National Security Council (Laura Rosenberger)", "person", 0.7),
    ("Rosenberger", "USA: National Security Council (Laura Rosenberger)", "person", 0.7),
    # Officials of 2017–2026 on both sides (actor names as in the record), and the Chinese leader by role.
    ("Rex Tillerson", "USA: State Department (Rex Tillerson)", "person", 1.0),
    ("Tillerson", "USA: State Department (Rex Tillerson)", "person", 1.0),
    ("James Mattis", "USA: Department of Defense (James Mattis)", "person", 1.0),
    ("Mattis", "USA: Department of Defense (James Mattis)", "person", 1.0),
    ("Mark Esper", "USA: Department of Defense (Mark Esper)", "person", 1.0),
    ("Esper", "USA: Department of Defense (Mark Esper)", "person", 1.0),
    ("Wilbur Ross", "USA: Department of Commerce (Wilbur Ross)", "person", 1.0),
    ("Mnuchin", "USA: Treasury (Steven Mnuchin)", "person", 1.0),
    ("John Bolton", "USA: White House (John Bolton)", "person", 1.0),
    ("Bolton", "USA: White House (John Bolton)", "person", 1.0),
    ("Robert O'Brien", "USA: White House (Robert O'Brien)", "person", 1.0),
    ("Mike Pence", "USA: Mike Pence", "person", 1.0),
    ("Pence", "USA: Mike Pence", "person", 1.0),
    ("Nikki Haley", "USA: UN mission (Nikki Haley)", "person", 1.0),
    ("William Burns", "USA: CIA (William Burns)", "person", 1.0),
    ("John Kerry", "USA: Special Presidential Envoy for Climate (John Kerry)", "person", 1.0),
    ("Kerry", "USA: Special Presidential Envoy for Climate (John Kerry)", "person", 1.0),
    ("Kurt Campbell", "USA: Kurt Campbell", "person", 0.7),
    ("Wendy Sherman", "USA: State Department (Wendy Sherman)", "person", 1.0),
    ("Sherman", "USA: State Department (Wendy Sherman)", "person", 1.0),
    ("Terry Branstad", "USA: Embassy (Terry Branstad)", "person", 1.0),
    ("Branstad", "USA: Embassy (Terry Branstad)", "person", 1.0),
    ("David Perdue", "USA: Embassy in Beijing (David Perdue)", "person", 1.0),
    ("Christopher Wray", "USA: FBI (Christopher Wray)", "person", 0.7),
    ("Wray", "USA: FBI (Christopher Wray)", "person", 0.7),
    ("Merrick Garland", "USA: Justice Department (Merrick Garland)", "person", 0.7),
    ("Yang Jiechi", "CHN: Yang Jiechi", "person", 1.0),
    ("Yang", "CHN: Yang Jiechi", "person", 1.0),
    ("Wei Fenghe", "CHN: Ministry of National Defense (Wei Fenghe)", "person", 1.0),
    ("Li Keqiang", "CHN: Li Keqiang", "person", 1.5),
    ("Cui Tiankai", "CHN: Embassy in the US (Cui Tiankai)", "person", 1.0),
    ("Cui", "CHN: Embassy in the US (Cui Tiankai)", "person", 1.0),
    ("Zhong Shan", "CHN: Ministry of Commerce (Zhong Shan)", "person", 1.0),
    ("Wang Shouwen", "CHN: Ministry of Commerce (Wang Shouwen)", "person", 0.7),
    ("Gao Feng", "CHN: Ministry of Commerce (Gao Feng)", "person", 1.0),
    ("Shu Jueting", "CHN: Ministry of Commerce (Shu Jueting)", "person", 1.0),
    ("He Yadong", "CHN: Ministry of Commerce (He Yadong)", "person", 1.0),
    ("Tan Kefei", "CHN: Ministry of National Defense (Tan Kefei)", "person", 1.0),
    ("Ren Guoqiang", "CHN: Ministry of National Defense (Ren Guoqiang)", "person", 1.0),
    ("Zhang Xiaogang", "CHN: Ministry of National Defense (Zhang Xiaogang)", "person", 1.0),
    ("Ma Zhaoxu", "CHN: Foreign Ministry (Ma Zhaoxu)", "person", 1.0),
    ("Le Yucheng", "CHN: Foreign Ministry (Le Yucheng)", "person", 1.0),
    ("Lu Kang", "CHN: Foreign Ministry (Lu Kang)", "person", 1.0),
    ("Liu Pengyu", "CHN: Embassy in the US (Liu Pengyu)", "person", 1.0),
    ("Liu Jianchao", "CHN: Liu Jianchao", "person", 1.0),
    ("Zhang Youxia", "CHN: Central Military Commission (Zhang Youxia)", "person", 1.0),
    ("Zhang Jun", "CHN: UN mission (Zhang Jun)", "person", 1.0),
    ("Fu Cong", "CHN: UN mission (Fu Cong)", "person", 1.0),
    ("Chinese leader", "CHN: Xi Jinping", "person", 1.5),
    ("China's leader", "CHN: Xi Jinping", "person", 1.5),
    # Institutions of both governments that act in China–US news (actor names as in the record).
    ("Ministry of Finance", "CHN: Ministry of Finance", "institution", 1.0),
    ("Finance Ministry", "CHN: Ministry of Finance", "institution", 1.0),
    ("Tariff Commission", "CHN: State Council Tariff Commission", "institution", 1.0),
    ("Ministry of Public Security", "CHN: Ministry of Public Security", "institution", 0.7),
    ("Ministry of State Security", "CHN: Ministry of State Security", "institution", 0.7),
    ("General Administration of Customs", "CHN: General Administration of Customs", "institution", 0.7),
    ("State Administration for Market Regulation", "CHN: SAMR", "institution", 0.7),
    ("Cyberspace Administration", "CHN: Cyberspace Administration", "institution", 0.7),
    ("National People's Congress", "CHN: National People's Congress", "institution", 1.0),
    ("Chinese Navy", "CHN: People's Liberation Army", "institution", 1.0),
    ("Southern Theater Command", "CHN: PLA Southern Theater Command", "institution", 1.0),
    ("Chinese military", "CHN: People's Liberation Army", "institution", 1.0),
    ("Defense Department", "USA: Department of Defense", "institution", 1.0),
    ("Homeland Security", "USA: Department of Homeland Security", "institution", 0.7),
    ("Department of Agriculture", "USA: Department of Agriculture", "institution", 0.7),
    ("Federal Communications Commission", "USA: FCC", "institution", 0.7),
    ("US Navy", "USA: Navy", "institution", 1.0),
    ("U.S. military", "USA: Department of Defense", "institution", 1.0),
    ("US military", "USA: Department of Defense", "institution", 1.0),
    ("Seventh Fleet", "USA: Navy", "institution", 1.0),
    ("7th Fleet", "USA: Navy", "institution", 1.0),
    ("Indo-Pacific Command", "USA: Department of Defense", "institution", 1.0),
)

#: Future wording the dates module does not treat as future: a passive "would be released", "details due Monday".
EXTRA_FUTURE = re.compile(r"\b(?:would be (?:released|announced|published|issued|held|signed|unveiled|made public)|"
                          r"due (?:on )?" + _WEEKDAY + r"|expected (?:on|later|to)|later this (?:week|month)|"
                          r"(?:is|are) welcome to|looks? forward to|(?:is|are|were|was) (?:reportedly )?close to|"
                          r"poised to|(?:is|are|was|were) considering|could (?:begin|start|take place|be held)|"
                          r"prepare for|lay (?:the )?groundwork for)\b", re.IGNORECASE)

#: A wire dateline opening a paragraph: "BEIJING, Dec. 31 (Xinhua) —", "WASHINGTON, Sept 10 (Reuters) -",
#: "Xinhua News Agency, Geneva, May 11 (Reporters ...) —".
DATELINE = re.compile(r"^\s*(?:[A-Z][\w.'\[\] -]{1,40},\s*){1,2}(?P<month>" + _MONTH + r")\s+(?P<day>\d{1,2})"
                      r"(?:,\s*(?P<year>\d{4}))?\s*(?:\(|:|—|–|-)")

#: Two days joined in one expression: "May 10–11", "from Dec. 11 to 12", "Dec. 11 and 12".
DAY_RANGE = re.compile(r"\b(?P<month>" + _MONTH + r")\s+(?P<first>\d{1,2})\s*(?:-|–|to|and|through)\s*"
                       r"(?P<last>\d{1,2})\b(?!\s*(?:%|percent|billion|million))")
#: "on Sunday and Monday", "Saturday and Sunday".
WEEKDAY_RANGE = re.compile(r"\b(?P<first>" + _WEEKDAY + r")\s+(?:and|to|through|-|–)\s+(?P<last>" + _WEEKDAY + r")\b")
#: "two days of talks" ending on the event's day.
DAYS_OF = re.compile(r"\b(?P<n>two|three|2|3)[- ]days? of (?:[\w-]+ ){0,2}(?:talks|meetings|negotiations|"
                     r"discussions)\b", re.IGNORECASE)

#: A speaker the gazetteer does not know, right before the speech verb ("one senior Chinese regulator said").
UNKNOWN_SPEAKER = re.compile(r"(?:\b(?:a|an|one|another|the|two|several)\s+(?:[\w-]+\s+){0,3}(?:regulator|official|"
                             r"source|analyst|expert|observer|economist|adviser|advisor|executive|lawmaker|person|"
                             r"people|diplomat|witness|insider)s?|\b(?:what|which)\s+(?:both sides|the two sides|both|"
                             r"they|the sides))\s*,?\s*$", re.IGNORECASE)

#: A clause subject that is the patient of a passive ("China was notified ... that it must close the consulate").
PASSIVE_PATIENT = re.compile(r"^\s*(?:was|were|has been|have been|had been|is being|are being)\s+(?:\w+ly\s+)?"
                             r"(?:notified|ordered|told|asked|forced|instructed|informed|directed)\b")

#: Conjunctions that open a new clause whose own subject acts ("China vowed ... after *the United States* ordered").
SUBORDINATE = re.compile(r"\b(?:after|because|when|while|since|although|whereas)\s+(?=(?:the\s+)?[A-Z])")

#: Month words with "early", "mid" or "late" ("in mid-November"): month precision.
PART_MONTH = re.compile(r"\b(?:early|mid|late)[- ](?P<month>" + _MONTH_NAME[3:-1] + r")\b(?:,? (?P<year>\d{4}))?",
                        re.IGNORECASE)

#: Words that undo a punitive measure: "helped lift a series of previously imposed tariffs and export restrictions"
#: is cooperation, not tariffs or export controls.
UNDOING = re.compile(r"\b(?:so-called|withdraw(?:s|n|ing)?|revok(?:e|es|ed|ing)|rescind(?:s|ed|ing)?|"
                     r"lift(?:s|ed|ing)?|remov(?:e|es|ed|ing)|eas(?:e|es|ed|ing)|roll(?:s|ed|ing)? back|"
                     r"scrap(?:s|ped|ping)?|suspend(?:s|ed|ing)?|pause[sd]?|exempt(?:s|ed|ing)?)\b[^.;:]{0,80}$",
                     re.IGNORECASE)
PUNITIVE = frozenset({"tariffs", "export_controls", "sanctions"})

#: Common words that a person's single name must not be read from ("He" in "He said" is not He Lifeng).
NOT_SHORT_NAMES = frozenset({"He", "She", "It", "The", "Mr", "Ms", "Mrs", "Dr", "Vice", "President", "Premier",
                             "Minister", "Secretary", "Chinese", "US", "U.S."})
#: A negation right before the undoing verb: "has not lifted sanctions" keeps the sanctions.
NEGATED = re.compile(r"\b(?:not|never|no|refus\w*|declin\w*|without|yet to|unwilling|won't|didn't|hasn't|haven't)\s+"
                     r"(?:\w+\s+){0,2}$", re.IGNORECASE)
