"""Patterns real news text has and our first sentences did not: one table per cause, in every language it
affects. Every sentence here is our own, written to reproduce a pattern seen in real reports.

Each row: a text, then the mentions expected as (surface, entry id or None for ambiguous), in order.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.keys import name_key, scan_fold, scan_spellings
from glossary.normalize import normalize_text
from tests.test_normalize import _pairs

# 1. One normaliser: what lookup finds, running text finds.
ONE_NORMALISER = [
    ("Foreign Minister Kohno Taro spoke.", [("Kohno Taro", "kono-taro")]),  # oh for ō
    ("Kouno Tarou and Koono Taro met.", [("Kouno Tarou", "kono-taro"), ("Koono Taro", "kono-taro")]),
    ("Then Ki\u200bshida Fumio replied.", [("Ki\u200bshida Fumio", "kishida-fumio")]),  # zero-width space
    ("岸田\u200c文雄が述べた。", [("岸田\u200c文雄", "kishida-fumio")]),
    ("Hsi Chin-ping and Hsi Chin-p'ing", [("Hsi Chin-ping", "xi-jinping"), ("Hsi Chin-p'ing", "xi-jinping")]),
    ("ＸＩ　Ｊｉｎｐｉｎｇ visited.", [("ＸＩ　Ｊｉｎｐｉｎｇ", "xi-jinping")]),  # full-width
    ("The crippled Fukushima No. 1 nuclear power plant leaked.",
     [("Fukushima No. 1 nuclear power plant", "fukushima-daiichi-nuclear-power-plant")]),
]

# 2. No hidden names: a rejected or weaker longest match does not hide a name inside it.
NO_HIDDEN_NAMES = [
    ("Professor Shi Yinhong said the talks matter.", [("Shi Yinhong", "shi-yinhong")]),
    ("日本国内では反発が強い。", [("日本", "japan")]),
    ("他在日本国内发表讲话。", [("日本", "japan")]),
    ("Ambassador Wu Jianghao spoke.", [("Wu Jianghao", "wu-jianghao")]),
]

# 3. Word boundaries: a name whose edge cuts a word of the text is no mention; demonyms are not places.
WORD_BOUNDARIES = [
    ("台湾独立に反対する立場だ。", [("台湾", "taiwan")]),  # a position, not a name: its 台湾 counts
    ("中国外務省のアジア局長が来日した。", [("中国外務省", "ministry-of-foreign-affairs-china")]),  # a bureau's head
    ("衆議院外務委員会で答弁した。衆議院は解散された。",  # a house's committee: a name the glossary lacks
     [("衆議院", "house-of-representatives-japan")]),
    ("衆議院予算委員会で答弁した。", [("衆議院予算委員会", "hor-budget-committee-japan")]),  # one it holds
    ("立法院外交及國防委員會今天審查預算。", []),
    ("中东局势和亚洲局势紧张。", [("中东", "middle-east"), ("亚洲", "asia")]),  # 局势 ("situation") is no bureau
    ("首相は存立危機事態に当たり得ると答弁した。", []),  # a legal concept
    ("高市首相稱台灣有事可能構成存亡危機事態。", [("高市", "takaichi-sanae"), ("台灣", "taiwan")]),
    ("中国海关宣布暂停进口日本水产品。", [("中国海关", "general-administration-of-customs-china"), ("日本", "japan")]),
    ("维新会与自民党组成联合政府。", [("维新会", "nippon-ishin-no-kai"), ("自民党", "liberal-democratic-party")]),
    ("台湾本島の東の海域で演習が行われた。", [("台湾本島", "taiwan-island")]),
    ("两国决定中日共同开发这片海域。", []),  # no 日共 in 中日共同
    ("会議の冒頭であいさつした外相は", []),  # no つし (Tsu) in あいさつした
    ("関係の改善につなげたいと語った。", []),  # no Thailand in つなげたい
    ("对此，日本海上保安本部发出警告。", [("日本", "japan")]),  # no Sea of Japan in 日本海上
    ("两名日本人被拘留。", []),  # a demonym
    ("被拘留的另一名日本人为男性。", []),  # jieba reads 人为 ("man-made") across the demonym's edge
    ("另一名美國人為女性。", []),
    ("日本人口持续减少。", [("日本", "japan")]),  # the country's population
    ("他帮助朝鲜人离开。", []),
    ("她在日本语学校工作。", []),  # a language name
    ("研究琉球语的学者", []),
    ("日本人男性が拘束された。", []),
    ("中国語の新聞を読む。", []),
    ("日本政府和中国政府", [("日本", "japan"), ("中国", "china")]),  # a country modifying a word
    ("中国側は反発した。日本産の水産物", [("中国", "china"), ("日本", "japan")]),
    ("美国务卿访问北京。", [("北京", "beijing")]),  # 美 + 国务卿, not 美国
    ("タイとの関係を強化する。", [("タイ", "thailand")]),
    ("自民族中心主義を批判した。", []),  # not the LDP (自民)
    ("自民、公明両党は賛成した。", [("自民", "liberal-democratic-party"), ("公明", "komeito")]),
    ("李总理表示欢迎。", []),  # a one-character surname needs the full name, or a title and the date
    ("进口的日本产牛肉增加了。", [("日本", "japan")]),  # jieba's word 日本产 ("made in Japan") holds the country
    ("中国海军舰艇编队返回母港。", [("中国海军", "pla-navy")]),  # a dictionary phrase whose rest is words
    ("日外务省发表声明。", [("外务省", "ministry-of-foreign-affairs-japan")]),  # 日 + the ministry, one word to jieba
    ("バチカンでローマ教皇と会った。", [("バチカン", "vatican")]),  # ローマ教皇 is a title, not Rome
    ("維新は反対したが、自民、維新両党は合意した。",
     [("維新", "nippon-ishin-no-kai"), ("自民", "liberal-democratic-party"), ("維新", "nippon-ishin-no-kai")]),
    ("明治維新の後に近代化が進んだ。", [("明治維新", "meiji-restoration")]),
    ("会談に臨む首相＝5日、北京（共同）", [("北京", "beijing"), ("共同", "kyodo-news")]),  # a photo credit
    # A country before 大学/航空/银行 modifies a noun; a city before them begins a company's name.
    ("几位美国大学教师和日本大学生来访。", [("美国", "united-states"), ("日本", "japan")]),
    # A place that begins the name of a body the glossary lacks is no mention alone (the body is one name).
    ("韩国总统府发表声明，中国海关加强检查。", [("中国海关", "general-administration-of-customs-china")]),  # a body the glossary holds
    ("那霸市议会通过决议，日本政府表示关注。", [("日本", "japan")]),  # 日本政府: the country modifies a word
    ("中國航空母艦進入日本航空識別區。", [("中國", "china"), ("日本", "japan")]),  # not Japan Airlines
    ("日本银行业面临压力，日本银行决定维持利率。", [("日本", "japan"), ("日本银行", "bank-of-japan")]),
    ("成都的廈門航空班機取消。", [("成都", "chengdu"), ("廈門航空", "xiamen-airlines")]),
    ("日本產水產品暫停進口。", [("日本", "japan")]),
    ("参政党の代表が演説した。", [("参政党", "sanseito")]),
]

# 4. Titles and honorifics.
TITLES = [
    ("日本首相高市早苗发表讲话。", [("日本", "japan"), ("高市早苗", "takaichi-sanae")]),
    ("中国总理李强会见了他。", [("中国", "china"), ("李强", "li-qiang")]),
    ("韩国总统尹锡悦", [("韩国", "south-korea"), ("尹锡悦", "yoon-suk-yeol")]),
    ("日本外相が訪中した。", [("日本", "japan")]),
    ("国务院总理李强出席会议。", [("李强", "li-qiang")]),  # 国务院总理 is a title, not the State Council
    ("林芳正与中国外交部长秦刚会谈。", [("林芳正", "hayashi-yoshimasa"), ("中国", "china"), ("秦刚", "qin-gang")]),
    ("岸田首相は会見で述べた。", [("岸田", "kishida-fumio")]),  # one Kishida was prime minister
    ("王毅外长表示欢迎。", [("王毅", "wang-yi")]),
    ("林芳正外相が会見した。林外相は述べた。", [("林芳正", "hayashi-yoshimasa"), ("林", "hayashi-yoshimasa")]),
    ("林外相は述べた。", []),  # a one-character surname needs the full name in the text
    ("President Xi spoke to Mr Kishida.", [("Xi", "xi-jinping"), ("Kishida", "kishida-fumio")]),
    ("Premier Li Qiang met him; Premier Li thanked him.", [("Li Qiang", "li-qiang"), ("Li", "li-qiang")]),
    # Any title the glossary knows after a one-character surname, and a curated short form outside its context.
    ("胡春華副首相と会った。胡副首相は述べた。", [("胡春華", "hu-chunhua"), ("胡", "hu-chunhua")]),
    ("林剣報道官が答えた。林報道官は繰り返した。", [("林剣", "lin-jian"), ("林", "lin-jian")]),
    ("マルコス大統領が来日した。マルコス氏は述べた。",
     [("マルコス", "marcos-ferdinand-jr"), ("マルコス", "marcos-ferdinand-jr")]),
    ("李强总理会见韩国总统李在明。李总理表示欢迎，李总统表示感谢。",  # both named: the title says which
     [("李强", "li-qiang"), ("韩国", "south-korea"), ("李在明", "lee-jae-myung"), ("李", "li-qiang"),
      ("李", "lee-jae-myung")]),
    ("林芳正官房長官が林剣報道官に反論した。林報道官は答えた。",
     [("林芳正", "hayashi-yoshimasa"), ("林剣", "lin-jian"), ("林", "lin-jian")]),
]

# 5. Order inside a text: a short form before the full name resolves from the whole text.
ORDER = [
    ("Kishida arrives. Later, Fumio Kishida met reporters.", [("Kishida", "kishida-fumio"),
                                                             ("Fumio Kishida", "kishida-fumio")]),
    ("大平外相が署名した。大平正芳は後に首相となった。", [("大平", "ohira-masayoshi"), ("大平正芳", "ohira-masayoshi")]),
    ("高市在答辩中表示。日本首相高市早苗此前说", [("高市", "takaichi-sanae"), ("日本", "japan"),
                                       ("高市早苗", "takaichi-sanae")]),
]

# 6. Disambiguation from the text itself.
DISAMBIGUATION = [
    ("外交部发言人表示反对。", [("外交部", "ministry-of-foreign-affairs-china")]),  # simplified: the PRC's
    ("我外交部表示抗議。", [("外交部", "ministry-of-foreign-affairs-taiwan")]),  # 我 in traditional text
    ("外交部表示抗議。", [("外交部", None)]),  # traditional text alone does not say whose
    # An English story's dateline says whose bare ministry it is.
    ("TOKYO (Kyodo) - The Foreign Ministry lodged a protest.",
     [("TOKYO", "tokyo"), ("Kyodo", "kyodo-news"), ("Foreign Ministry", "ministry-of-foreign-affairs-japan")]),
    ("Seized vessel\nBEIJING, March 3 - The Foreign Ministry urged calm.",
     [("BEIJING", "beijing"), ("Foreign Ministry", "ministry-of-foreign-affairs-china")]),
    ("TOKYO (Reuters) - Foreign Ministry spokesperson Lin Jian spoke in Beijing.",  # the speaker beats the dateline
     [("TOKYO", "tokyo"), ("Reuters", "reuters"), ("Foreign Ministry", "ministry-of-foreign-affairs-china"),
      ("Lin Jian", "lin-jian"), ("Beijing", "beijing")]),
    ("TOKYO - China protested, the Foreign Ministry in Beijing said.",  # so does the city after it
     [("TOKYO", "tokyo"), ("China", "china"), ("Foreign Ministry", "ministry-of-foreign-affairs-china"),
      ("Beijing", "beijing")]),
    ("HONG KONG - The Foreign Ministry declined to comment.", [("HONG KONG", "hong-kong"), ("Foreign Ministry", None)]),
    ("Seoul's Foreign Ministry said no.", [("Seoul", "seoul"), ("Foreign Ministry", "ministry-of-foreign-affairs-south-korea")]),
    ("國防部今天表示，偵獲共機11架次。", [("國防部", "ministry-of-national-defense-taiwan")]),  # Taiwan's own words
    # Whose bare 外交部: the spokesperson or minister named after it (here or where it recurs), the Hong Kong
    # government's own words, a Taiwanese dateline.
    ("外交部發言人林劍今天表示反對。", [("外交部", "ministry-of-foreign-affairs-china"), ("林劍", "lin-jian")]),
    # A bare body in Chinese text is the writer's side's own, though the text names the other side's too.
    ("台湾外交部发表声明。外交部表示坚决反对。",
     [("台湾外交部", "ministry-of-foreign-affairs-taiwan"), ("外交部", "ministry-of-foreign-affairs-china")]),
    ("台湾国防部表示。国防部发言人张晓刚回应。",
     [("台湾国防部", "ministry-of-national-defense-taiwan"), ("国防部", "ministry-of-national-defense-china"),
      ("张晓刚", "zhang-xiaogang")]),
    ("中國外交部批評日本。外交部今天表示，國軍持續監控共機。",
     [("中國外交部", "ministry-of-foreign-affairs-china"), ("日本", "japan"),
      ("外交部", "ministry-of-foreign-affairs-taiwan"), ("國軍", "roc-armed-forces")]),
    ("外交部今天表示，外交部長林佳龍對此表示歡迎。",
     [("外交部", "ministry-of-foreign-affairs-taiwan"), ("林佳龍", "lin-chia-lung")]),
    ("李家超今天說，外交部已表達不滿，特區政府全力配合。",
     [("李家超", "john-lee"), ("外交部", "ministry-of-foreign-affairs-china")]),
    ("【北京共同】外交部の報道官は述べた。",  # a Japanese dateline: Japan has no 外交部
     [("北京", "beijing"), ("共同", "kyodo-news"), ("外交部", "ministry-of-foreign-affairs-china")]),
    ("（台北中央社）国防部は発表した。",
     [("台北", "taipei"), ("中央社", "central-news-agency-taiwan"), ("国防部", "ministry-of-national-defense-taiwan")]),
    ("中央社台北1日電 外交部今天表示歡迎。",
     [("中央社", "central-news-agency-taiwan"), ("台北", "taipei"), ("外交部", "ministry-of-foreign-affairs-taiwan")]),
    ("我國國防部今天表示。", [("國防部", "ministry-of-national-defense-taiwan")]),
    ("The Foreign Ministry said the US-Japan talks went well.",
     [("Foreign Ministry", None), ("US", "united-states"), ("Japan", "japan")]),  # no dateline
    ("大陸外長王毅出席會議。", [("大陸", "china"), ("王毅", "wang-yi")]),
    # 驻/駐 ("stationed in") before a mission named by a country: the country hosts it, it does not send it.
    ("该国驻中国大使馆提出抗议。", [("中国", "china")]),
    ("韩国驻中国大使馆发表声明。", [("韩国", "south-korea"), ("中国", "china")]),
    ("該國駐中國大使館表示。", [("中國", "china")]),
    ("中国大使館は声明を出した。", [("中国大使館", "embassy-of-china-in-japan")]),  # no 駐: China's own
    ("中国驻日本大使馆发表声明。", [("中国驻日本大使馆", "embassy-of-china-in-japan")]),
]


# 7. Readings in brackets: a kana reading right after a name reads it (whether or not the glossary holds it); a
# hiragana reading anywhere else is an ordinary word.
READINGS = [
    ("両国は対話を続けていきたいと述べた。", []),  # いき is not Iki island
    ("関係者をさがしている。", []),  # nor さがし Saga
    ("行き(いき)が楽しい。", []),  # a reading of a word that is no name
    ("薛剣(せつけん)総領事は述べた。", [("薛剣", "xue-jian"), ("せつけん", "xue-jian")]),
    ("玉城デニー（たまき・でにー）知事は述べた。", [("玉城デニー", "tamaki-denny"), ("たまき・でにー", "tamaki-denny")]),
    ("中国の李克強(リー・クーチャン)首相が来日した。",
     [("中国", "china"), ("李克強", "li-keqiang"), ("リー・クーチャン", "li-keqiang")]),
    ("新疆(しんきょう)の状況を批判した。", [("新疆", "xinjiang"), ("しんきょう", "xinjiang")]),  # not 新京
    ("日中韓首脳会談(サミット)に出席した。", [("日中韓首脳会談", "japan-china-korea-trilateral-summit")]),  # a gloss
    ("ゼレンスキー(ウクライナ)大統領", [("ゼレンスキー", "zelenskyy-volodymyr"), ("ウクライナ", "ukraine")]),
    # A Japanese gloss in brackets after a foreign body is that body.
    ("台湾の外交部（外務省）は声明を出した。", [("台湾", "taiwan"), ("外交部", "ministry-of-foreign-affairs-taiwan"),
                                       ("外務省", "ministry-of-foreign-affairs-taiwan")]),
    ("台湾の立法院（国会）で可決された。", [("台湾", "taiwan"), ("立法院", "legislative-yuan"), ("国会", "legislative-yuan")]),
]

# 8. Edges the segmenter reads across: a title after a name ends it, a bureau shares its 局 with 局长, and a
# long name may share one character with the next word.
SHARED_EDGES = [
    ("洪磊報道官は記者会見で述べた。", [("洪磊", "hong-lei")]),
    ("華春瑩氏が述べた。", [("華春瑩", "hua-chunying")]),
    ("吴江浩大使出席了招待会。", [("吴江浩", "wu-jianghao")]),  # jieba: 吴江 / 浩大 / 使
    ("外务省亚洲大洋洲局长访华。", [("外务省亚洲大洋洲局", "mofa-japan-asian-and-oceanian-affairs-bureau")]),
    ("日本外務省亞洲大洋洲局長昨天抵達北京。",
     [("日本外務省亞洲大洋洲局", "mofa-japan-asian-and-oceanian-affairs-bureau"), ("北京", "beijing")]),
    ("林芳正在北京与秦刚会谈。", [("林芳正", "hayashi-yoshimasa"), ("北京", "beijing"), ("秦刚", "qin-gang")]),
    ("茂木敏充分别会见了两人。", [("茂木敏充", "motegi-toshimitsu")]),
    ("他和立憲民主黨議員會面。", [("立憲民主黨", "constitutional-democratic-party")]),  # not 民主黨, the DPJ
    ("中方宣布暂停进口日本海产品。", [("日本", "japan")]),  # 日本 + 海产品 ("seafood"), not the Sea of Japan
    ("日本海沿岸发生地震。", [("日本海", "sea-of-japan")]),
    ("目前尚無日本國會議員訪中的消息。", [("日本國會", "national-diet")]),  # jieba holds 會議員 too
]

# 9. A country right before a state body says whose it is.
COUNTRY_BEFORE_BODY = [
    ("韩国外交部表示欢迎。", [("韩国外交部", "ministry-of-foreign-affairs-south-korea")]),
    # Vietnam's and North Korea's, which the glossary does not hold: one name it lacks, so neither part alone
    ("越南外交部表示欢迎。", []),
    ("朝鲜外务省发表谈话。", []),  # not Japan's 外務省
    ("韩国警察厅周一公布了调查结果。", []),  # not Japan's 警察庁, which Chinese also writes 警察厅
    ("首尔警察厅表示将加强警戒。", []),
    ("中国の外交部は抗議した。", [("中国", "china"), ("外交部", "ministry-of-foreign-affairs-china")]),
    ("Beijing's Foreign Ministry said no.", [("Beijing", "beijing"), ("Foreign Ministry", "ministry-of-foreign-affairs-china")]),
    ("【ソウル時事】中国外務省は述べた。",  # a dateline's agency is no state body
     [("ソウル", "seoul"), ("時事", "jiji-press"), ("中国外務省", "ministry-of-foreign-affairs-china")]),
    ("日本NHK电视台报道称", [("日本", "japan"), ("NHK", "nhk")]),
    ("美国民主党议员访问台湾。", [("台湾", "taiwan")]),  # the US party, which the glossary lacks: not Japan's DPJ
    ("美國聯邦眾議院今天通過法案。", [("美國", "united-states"), ("眾議院", "us-house-of-representatives")]),
    ("中国の外務省は日本に抗議した。",  # 中国外務省 is China's ministry's Japanese name
     [("中国", "china"), ("外務省", "ministry-of-foreign-affairs-china"), ("日本", "japan")]),
    ("台湾の国防部は発表した。", [("台湾", "taiwan"), ("国防部", "ministry-of-national-defense-taiwan")]),
    ("越外交部表示欢迎。", []),  # 越: Vietnam's ministry
    ("美参议院外委会举行听证。", []),  # 美: the US Senate, which is not Japan's House of Councillors
    ("资料图・外交部发言人毛宁表示。",  # a middle dot in a Chinese caption does not make the text Japanese
     [("外交部", "ministry-of-foreign-affairs-china"), ("毛宁", "mao-ning")]),
    ("俄外交部发言人表示。", []),
    ("外交部发言人8日表示。", [("外交部", "ministry-of-foreign-affairs-china")]),  # 8日 is a date
    ("金正恩朝鮮労働党総書記は演説した。", [("金正恩", "kim-jong-un"), ("朝鮮労働党", "workers-party-of-korea")]),
    ("大陸海警局今天表示。", [("大陸海警局", "china-coast-guard")]),  # a country joined to its body: one name
    ("大陸政協委員今天表示。", [("大陸", "china"), ("政協", "cppcc")]),  # an advisory body: split
    ("中方外交部今天表示。", [("外交部", "ministry-of-foreign-affairs-china")]),  # 中方: "the Chinese side"
    ("ＡＰＥＣの会合に出た。", [("ＡＰＥＣ", "apec")]),  # full-width capitals
    ("外交部の林剣報道官は会見で述べた。",  # the Japanese order: the spokesperson after the ministry
     [("外交部", "ministry-of-foreign-affairs-china"), ("林剣", "lin-jian")]),
    ("外交部（外務省）は声明を出した。",  # a gloss of a ministry the text leaves open is as open
     [("外交部", None), ("外務省", None)]),
    ("有官員提及台灣省一詞。台灣與日本的交流增加。",  # the province's name does not take the country's
     [("台灣省", "taiwan-island"), ("台灣", "taiwan"), ("日本", "japan")]),
    ("岩屋外相は会見した。岩屋氏は述べた。", [("岩屋", "iwaya-takeshi"), ("岩屋", "iwaya-takeshi")]),
    ("福岡厚生労働大臣は会見した。", []),  # a minister's surname, not the city (the title is none the glossary holds)
    ("沖縄北方担当相が視察した。", [("沖縄", "okinawa-prefecture")]),  # no one's surname: the place
    ("TAIPEI - Taiwan's Ministry of Foreign Affairs (MOFA) said it would respond. MOFA added more.",
     [("TAIPEI", "taipei"), ("Taiwan's Ministry of Foreign Affairs", "ministry-of-foreign-affairs-taiwan"),
      ("MOFA", "ministry-of-foreign-affairs-taiwan"), ("MOFA", "ministry-of-foreign-affairs-taiwan")]),
    ("中国の施泳駐日臨時代理大使を呼び出した。", [("中国", "china"), ("施泳", "shi-yong-diplomat")]),  # a title ends it
    ("習近平国家主席が演説した。習指導部は強硬だ。", [("習近平", "xi-jinping"), ("習", "xi-jinping")]),
    ("日本參院今天表決。", [("日本", "japan"), ("參院", "house-of-councillors")]),  # a legislature: split
    ("中国北京市第二中级人民法院宣判。",  # a body named after a place: places in a row are split
     [("中国", "china"), ("北京市第二中级人民法院", "beijing-no-2-intermediate-peoples-court")]),
    ("參政黨昨天公布政見。", [("參政黨", "sanseito")]),  # Taiwan's press: only the Japanese party
    ("中共國安部今天表示。",  # a body of a country says whose the next one is too
     [("中共", "chinese-communist-party"), ("國安部", "ministry-of-state-security")]),
]

# 9b. A shared name spelled exactly as a curator spelled it for one entry, and folded or derived for the others.
EXACT_SPELLING = [
    ("國民黨與民進黨今天在立法院交鋒。",  # 民進黨 is Taiwan's DPP; the Japanese 民進党 folds to it
     [("國民黨", "kuomintang"), ("民進黨", "democratic-progressive-party"), ("立法院", "legislative-yuan")]),
    ("衆議院は法案を可決した。", [("衆議院", "house-of-representatives-japan")]),
    ("民進党の幹部が来日した。", [("民進党", None)]),  # Japanese prints both parties so: the text must say
    ("民进党当局不应采取激进行动。", [("民进党", "democratic-progressive-party")]),  # simplified from 民進黨
    ("國防部今天表示。", [("國防部", None)]),  # both ministries' own traditional spelling: the text must say
]

# 10. Ships named after places (the carriers, which the glossary holds, and others), and cutters by hull number.
SHIPS = [
    ("辽宁舰航母编队穿越宫古海峡。", [("辽宁舰", "liaoning-aircraft-carrier"), ("宫古海峡", "miyako-strait")]),
    ("遼寧號航艦昨天通過宮古海峽。", [("遼寧號", "liaoning-aircraft-carrier"), ("宮古海峽", "miyako-strait")]),
    ("中国海軍の空母「遼寧」が太平洋に出た。", [("中国海軍", "pla-navy"), ("遼寧", "liaoning-aircraft-carrier"), ("太平洋", "pacific-ocean")]),
    ("中国海軍の艦艇が沖縄本島と宮古島の間を通過した。",  # bare 宮古島 is the island; the city is 宮古島市
     [("中国海軍", "pla-navy"), ("沖縄本島", "okinawa-island"), ("宮古島", "miyako-island")]),
    ("The carrier Liaoning sailed past Okinawa.", [("Liaoning", "liaoning-aircraft-carrier"), ("Okinawa", "okinawa-prefecture")]),
    ("The Shandong aircraft carrier left port.", [("Shandong", "shandong-aircraft-carrier")]),
    ("中国海警局の「海警2502」が領海に侵入した。", [("中国海警局", "china-coast-guard")]),
    ("中國海警2024年多次進入該海域。", [("中國海警", "china-coast-guard")]),  # a year, not a hull number
    ("日本海保與中國海警在東海對峙。",  # Taiwan's short form, not the Sea of Japan
     [("日本海保", "japan-coast-guard"), ("中國海警", "china-coast-guard"), ("東海", "east-china-sea")]),
    ("遊客在天安門城樓前合影。", [("天安門城樓", "tiananmen-gate")]),  # the gate, not the square
    ("辽宁省政府发布通知。", [("辽宁省", "liaoning")]),
    ("中国号令天下。", [("中国", "china")]),  # 号 starts a word here
    ("中国舰艇和日本舰艇在附近活动。", [("中国", "china"), ("日本", "japan")]),  # warships, not ships so named
    ("美国舰队抵达横须贺。", [("美国", "united-states"), ("横须贺", "yokosuka")]),
    ("解放軍昨天展開圍台軍演。", [("解放軍", "peoples-liberation-army")]),  # 圍台 + 軍演, not 台軍
    ("空母「山東」と「遼寧」が西太平洋に出た。", [("山東", "shandong-aircraft-carrier"), ("遼寧", "liaoning-aircraft-carrier"), ("西太平洋", "western-pacific")]),  # the second of a pair
    ("中国海軍の空母遼寧が沖縄の南を通った。", [("中国海軍", "pla-navy"), ("遼寧", "liaoning-aircraft-carrier"), ("沖縄", "okinawa-prefecture")]),
    ("山東號昨天駛離三亞。", [("山東號", "shandong-aircraft-carrier"), ("三亞", "sanya")]),  # 號 after a province: a ship, whatever follows
    ("山东号召企业扩大出口。", [("山东", "shandong")]),  # 号召 ("call on") is a word
    ("驱逐舰南昌号随航母福建舰出海。", [("福建舰", "fujian-aircraft-carrier")]),  # a ship the glossary lacks: none
    ("The Fujian carrier group passed Yonaguni; Fujian province faces Taiwan.",
     [("Fujian", "fujian-aircraft-carrier"), ("Yonaguni", "yonaguni"), ("Fujian province", "fujian"),
      ("Taiwan", "taiwan")]),
    ("同行的還有驅逐艦「南昌」（舷號101）、「西寧」（舷號117）與「開封」。", []),  # a list of ships, not cities
    ("The USS George Washington left Yokosuka; officials in Washington said so.",
     [("USS George Washington", "uss-george-washington"), ("Yokosuka", "yokosuka"), ("Washington", "washington-dc")]),
    ("The submarine USS Miami docked at Guam.", [("Guam", "guam")]),  # a navy's prefix: the ship's name
    ("空母「遼寧」は遼寧省の大連で改修された。", [("遼寧", "liaoning-aircraft-carrier"), ("遼寧省", "liaoning"),
                                        ("大連", "dalian")]),
    ("航母\"山东\"舰与\"辽宁\"舰同时出海。", [("山东", "shandong-aircraft-carrier"), ("辽宁", "liaoning-aircraft-carrier")]),  # quoted names before 舰
    ("Jets flew from the Liaoning as two destroyers followed; the province of Liaoning lies north.",
     [("Liaoning", "liaoning-aircraft-carrier"), ("Liaoning", "liaoning")]),  # a text that speaks of ships: "the Liaoning" is one
    ("Fujian, China's newest aircraft carrier, stayed in port.", [("Fujian", "fujian-aircraft-carrier"), ("China", "china")]),
    ("The carrier sailed; Shandong-based fighters and the Liaoning-led flotilla followed. Shandong province is far.",
     [("Shandong", "shandong-aircraft-carrier"), ("Liaoning", "liaoning-aircraft-carrier"), ("Shandong province", "shandong")]),
]

# 11. English names with a generic head in lower case, and surnames inside names the glossary does not hold.
ENGLISH_NAMES = [
    ("Staff at Japan's embassy in Beijing said so; the Japanese Embassy in Beijing agreed.",  # lower case: a description
     [("Japan", "japan"), ("Beijing", "beijing"), ("Japanese Embassy in Beijing", "embassy-of-japan-in-china")]),
    ("The bank of Japan's choice differs from the Bank of Japan's.", [("Japan", "japan"), ("Bank of Japan", "bank-of-japan")]),
    ("Prime Minister Fumio Kishida will fly to Seoul, his office said on Thursday (May 23).",  # a month, not Theresa May
     [("Fumio Kishida", "kishida-fumio"), ("Seoul", "seoul")]),
    ("On 23 May Prime Minister Kishida met Theresa May, and in May she said so.",
     [("Kishida", "kishida-fumio"), ("Theresa May", "may-theresa")]),
    ("Prime Minister Theresa May met Shinzo Abe. Abe and May discussed trade.",  # a surname after "and"
     [("Theresa May", "may-theresa"), ("Shinzo Abe", "abe-shinzo"), ("Abe", "abe-shinzo"), ("May", "may-theresa")]),
    ("Inspectors toured the Fukushima nuclear power plant.",
     [("Fukushima nuclear power plant", "fukushima-daiichi-nuclear-power-plant")]),
    ("Ministers from Asean met in Kuala Lumpur.", [("Asean", "asean"), ("Kuala Lumpur", "kuala-lumpur")]),
    ("Lawmakers in Taipei said they do not support Taiwan independence.",  # a position, not a name
     [("Taipei", "taipei"), ("Taiwan", "taiwan")]),
    ("Ms Takaichi visited the Yasukuni shrine; the Senkaku islands lie near the Taiwan strait.",
     [("Takaichi", "takaichi-sanae"), ("Yasukuni shrine", "yasukuni-shrine"), ("Senkaku islands", "senkaku-islands"),
      ("Taiwan strait", "taiwan-strait")]),
    ("Four China coast guard ships entered.", [("China coast guard", "china-coast-guard")]),
    ("Japan's foreign ministry said no.", [("Japan", "japan")]),  # a description in lower case
    ("Chief Cabinet Secretary Minoru Kihara spoke. (Reporting by Leika Kihara; Editing by Kim Coghill)",
     [("Minoru Kihara", "kihara-minoru")]),
    ("Spokesperson He Yadong spoke on Thursday. He said the measures were lawful.", [("He Yadong", "he-yadong")]),
    ("Wang Yi met them. Wang Xiaoming, a scholar, said talks helped. Wang said no.",
     [("Wang Yi", "wang-yi"), ("Wang", "wang-yi")]),
    ("Vice President Han Zheng spoke. Most Han Chinese officials attended.", [("Han Zheng", "han-zheng")]),
    ("Song Tao spoke. Song dynasty scrolls were shown. Later Song said no.",
     [("Song Tao", "song-tao"), ("Song", "song-tao")]),
    ("TAIPEI (Taiwan Daily) - Taiwan Daily and The Japan Times reported it. According to Korea Today, they met.",
     [("TAIPEI", "taipei"), ("The Japan Times", "japan-times")]),  # outlets the glossary does not hold
    ("The Japan Organization for Heavy Ion Research said so.", []),  # (no such entry: the place begins its name)
    ("They toured the Buyeo National Museum; shares fell on the Shanghai Stock Exchange.", []),
    ("China Slams Takaichi Over Taiwan Comments\nPrime Minister Sanae Takaichi spoke.",  # a headline's capitals
     [("China", "china"), ("Takaichi", "takaichi-sanae"), ("Taiwan", "taiwan"), ("Sanae Takaichi", "takaichi-sanae")]),
    ("Ishiba Government faces pressure. Shigeru Ishiba spoke.",  # a word after a Japanese surname: no given name
     [("Ishiba", "ishiba-shigeru"), ("Shigeru Ishiba", "ishiba-shigeru")]),
    ("He flew from Tokyo to Beijing.", [("Tokyo", "tokyo"), ("Beijing", "beijing")]),  # not Tōkyō-to
    ("Korea and Japan agreed to cooperate.", [("Korea", "south-korea"), ("Japan", "japan")]),
    ("The lab in New Mexico hosted a team from Mexico.", [("Mexico", "mexico")]),  # New Mexico is another place
    ("NEW MEXICO lawmakers met.", []),
    # A surname the glossary lets stand alone still does not count inside a name it does not hold (bylines).
    ("Prime Minister Sanae Takaichi spoke on Monday. Kaori Abe reports from Tokyo.",
     [("Sanae Takaichi", "takaichi-sanae"), ("Tokyo", "tokyo")]),
    ("President Lee Jae-myung spoke. Meanwhile Xi said no.", [("Lee Jae-myung", "lee-jae-myung"), ("Xi", "xi-jinping")]),
    # A state body's owner right before it: one name, and whose it is.
    ("China's Ministry of Commerce announced controls.", [("China's Ministry of Commerce", "ministry-of-commerce-china")]),
    ("The Chinese Ministry of Commerce announced controls.",
     [("Chinese Ministry of Commerce", "ministry-of-commerce-china")]),
    ("TOKYO -- The Defense Ministry said a drone flew near Yonaguni.",
     [("TOKYO", "tokyo"), ("Defense Ministry", "ministry-of-defense-japan"), ("Yonaguni", "yonaguni")]),
    ("The Defense Ministry said nothing.", []),  # whose, the text does not say

    ("Fumio Kishida spoke. On Monday Kishida said ties matter. Japan's Kishida agreed.",
     [("Fumio Kishida", "kishida-fumio"), ("Kishida", "kishida-fumio"), ("Japan", "japan"),
      ("Kishida", "kishida-fumio")]),
]

# 15. A longer name the glossary lacks begins with a place, country or organisation it holds: the whole is the
# name, so the part it holds is no mention (a miss, not a wrong span).
LONGER_NAMES = [
    ("代表团参观了釜山海洋博物馆。", []),
    ("此案由杭州市中级人民法院审理。", []),
    ("青岛海事局发布航行警告。", []),
    ("據美國海洋學會報導，香港中華廠商聯合會表示歡迎。", []),
    ("韩国总统室发言人当天表示。", [("韩国总统室", "presidential-office-south-korea")]),  # held since
    ("韩国国际广播电台报道。", [("韩国国际广播电台", "kbs-world-radio")]),
    ("菲律宾总统室发言人表示，越南国际广播电台报道。", []),  # bodies the glossary does not hold
    ("韩国统一部发表声明。", [("韩国统一部", "ministry-of-unification-south-korea")]),  # one the glossary holds
    ("韩国某部发表声明。", []),  # a ministry it does not: not the country alone
    # A country before a minister's title is the country's mention (中国 + 外交部长).
    ("中國外交部長秦剛表示。", [("中國", "china"), ("秦剛", "qin-gang")]),
    ("韩国产业部长官在首尔会见了日本经济产业省官员。",
     [("韩国产业部", "ministry-of-trade-industry-south-korea"), ("首尔", "seoul"), ("日本经济产业省", "meti")]),
    # Not a ministry: a region, a part, troops, cadres, headquarters, a film.
    ("中国西部和日本东北部，美国一部电影，中国大部分地区，美国部队，中国干部，日本总部。",
     [("中国", "china"), ("日本", "japan"), ("美国", "united-states"), ("中国", "china"), ("美国", "united-states"),
      ("中国", "china"), ("日本", "japan")]),
    # An organisation's institute or school: the organisation is not the name, nor a country inside the part.
    ("中国社会科学院美国研究所学者认为，中国社会科学院专家指出。",
     [("中国社会科学院", "chinese-academy-of-social-sciences")]),
    ("北京大学国际关系学院的学者指出，北京大学学生表示。", [("北京大学", "peking-university")]),
    ("自民黨國防部會昨天開會。自民黨總裁表示。", [("自民黨", "liberal-democratic-party")]),  # a party's division
    ("日本国家安保局长在华盛顿会见美方官员。",
     [("日本国家安保局", "national-security-secretariat"), ("华盛顿", "washington-dc")]),
    ("多名議員前往中國大阪領事館遞交抗議書。", [("中國大阪領事館", "consulate-general-of-china-in-osaka")]),
    ("港府官員取消與日本駐港領事館人員的會面。",
     [("港府", "hong-kong-government"), ("日本駐港領事館", "consulate-general-of-japan-in-hong-kong")]),
    ("中共解放軍東部戰區發言人表示將持續巡航。", [("中共解放軍東部戰區", "eastern-theater-command")]),
    ("南韓合同參謀本部今晨通報。", [("南韓合同參謀本部", "joint-chiefs-of-staff-south-korea")]),
    ("日本外務省亞太局局長下周將訪問北京。",
     [("日本外務省亞太局", "mofa-japan-asian-and-oceanian-affairs-bureau"), ("北京", "beijing")]),
]

# 16. Places in a row and word edges (round 7).
PLACES_AND_EDGES = [
    ("来自中国香港和中国台湾的游客人数均有增长。",
     [("中国", "china"), ("香港", "hong-kong"), ("中国", "china"), ("台湾", "taiwan")]),
    # jieba holds 安理会常任理事国 as one word; its rest 常任 + 理事国 is words, so the Council is a name there.
    ("日本正寻求成为联合国安理会常任理事国。", [("日本", "japan"), ("联合国安理会", "un-security-council")]),
    ("安理会常任理事国包括中国和俄罗斯。",
     [("安理会", "un-security-council"), ("中国", "china"), ("俄罗斯", "russia")]),
    # A group before a lower-case "summit" is the group ("the ASEAN summit" is ASEAN); "G7 Summit" is the event.
    ("Leaders met at the G7 summit in Hiroshima and the APEC summit in Lima; the Quad summit followed.",
     [("G7", "group-of-seven"), ("Hiroshima", "hiroshima"), ("APEC", "apec"), ("Lima", "lima"), ("Quad", "quad")]),
    ("At the G20 Summit in Osaka, leaders spoke.", [("G20 Summit", "g20-summit"), ("Osaka", "osaka")]),
    ("Voters across the Philippines went to the polls.", [("Philippines", "philippines")]),  # not "the"
    # A demonym before a lower-case "coast guard" is a description; the names are capitalised.
    ("A Chinese coast guard cutter trailed the trawler. The Chinese Coast Guard said so.",
     [("Chinese Coast Guard", "china-coast-guard")]),
    # An administrative word says which of a city and its prefecture is meant.
    ("Bookings dropped across the prefecture of Osaka and in Kyoto.",
     [("Osaka", "osaka-prefecture"), ("Kyoto", "kyoto")]),
    ("Osaka Prefecture and Osaka city both grew; Osaka prefecture officials agreed.",
     [("Osaka Prefecture", "osaka-prefecture"), ("Osaka city", "osaka"), ("Osaka prefecture", "osaka-prefecture")]),
    # A province before its city, which Sudachi reads across (湖南/省長/沙市): places in a row, not a governor.
    ("展示会は湖南省長沙市で開かれた。", [("湖南省", "hunan"), ("長沙市", "changsha")]),
    ("日本初の試みとして注目される。", [("日本", "japan")]),  # 初: "Japan's first"
    ("国家安全部門が捜査している。", []),  # "state-security organs", not the ministry
    ("大陸間弾道ミサイルの試射に成功した。", []),  # 大陸 is the PRC in Taiwanese usage, not in Japanese
    ("大陸駐日本大使吳江浩出席大陸政協會議。",
     [("大陸", "china"), ("日本", "japan"), ("吳江浩", "wu-jianghao"), ("大陸", "china"), ("政協", "cppcc")]),
    ("中国軍と韓国軍が対峙した。", [("中国軍", "peoples-liberation-army"), ("韓国軍", "rok-armed-forces")]),
    ("中韓日首脳会談の準備が進む。北海道大の研究チームが発表した。",
     [("中韓日首脳会談", "japan-china-korea-trilateral-summit"), ("北海道大", "hokkaido-university")]),
]


# 17. What the text itself says about a name (round 8): an abbreviation it defines, a cue right before the name, the
# sense it gave the same name before; and longer names the glossary lacks, which begin with a name it holds.
TEXT_CUES = [
    ("中国队和日本队在决赛中相遇。", [("中国", "china"), ("日本", "japan")]),  # a country's team: the country counts
    ("北韓朝日本海方向發射兩枚飛彈。", [("北韓", "north-korea"), ("日本海", "sea-of-japan")]),  # jieba: 韓朝
    ("岸田文雄出席会议。对岸田来说，这次访问很重要。", [("岸田文雄", "kishida-fumio"), ("岸田", "kishida-fumio")]),
    ("The Japan-Taiwan Exchange Association (JTEA) opened a desk; the JTEA staff answered calls.",
     [("Japan-Taiwan Exchange Association", "japan-taiwan-exchange-association"),
      ("JTEA", "japan-taiwan-exchange-association"), ("JTEA", "japan-taiwan-exchange-association")]),
    ("菲律宾海岸警卫队（PCGX）表示，PCGX将继续巡逻。",  # (an abbreviation the glossary does not hold)
     [("菲律宾海岸警卫队", "philippine-coast-guard"), ("PCGX", "philippine-coast-guard"),
      ("PCGX", "philippine-coast-guard")]),
    ("Xi Jinping (AP) waved.", [("Xi Jinping", "xi-jinping"), ("AP", "associated-press")]),  # a credit, no definition
    ("Rain fell on the northern island of Hokkaido and the island of Okinawa.",
     [("Hokkaido", "hokkaido"), ("Okinawa", "okinawa-island")]),
    ("Photo by Lin Mei-hua, Reuters. Lin Chia-lung spoke.", [("Reuters", "reuters"), ("Lin Chia-lung", "lin-chia-lung")]),
    ("18日、大阪府内で会見した。東京都内のホテルで。", [("大阪府", "osaka-prefecture"), ("東京都", "tokyo")]),
    ("日本の北約300キロの海域で漁をしていた。", [("日本", "japan")]),  # 北約 is NATO in Chinese only
    ("北约秘书长表示将加强合作。", [("北约", "nato")]),
    ("中国驻日本大使馆和驻福冈总领馆提醒在日中国公民。",  # a mission "stationed in" a city, its sender named
     [("中国驻日本大使馆", "embassy-of-china-in-japan"), ("驻福冈总领馆", "consulate-general-of-china-in-fukuoka"),
      ("中国", "china")]),
    ("中国驻大阪总领事发表讲话。大阪府知事对此表示不满。",  # stationed in the city, whatever else the text names
     [("中国", "china"), ("大阪", "osaka"), ("大阪府", "osaka-prefecture")]),
    ("空母「山東」が確認された。山東はその後、東に向かった。山東省の港でも。",
     [("山東", "shandong-aircraft-carrier"), ("山東", "shandong-aircraft-carrier"), ("山東省", "shandong")]),
    ("据青岛青年报报道，湖北卫视播出了节目。", []),  # outlets named after their place
    ("越南國家海事委員會發表聲明。", []),  # a national body the glossary lacks
    ("モンゴル国防省が声明を発表した。", []),
    ("他援引《中华人民共和国国家安全法》和《东京宣言》。",  # a title in 《》 is one name or none
     [("中华人民共和国国家安全法", "prc-national-security-law-2015")]),
    ("The Philippine coast guard and the Philippine Coast Guard.", [("Philippine Coast Guard", "philippine-coast-guard")]),
    ("SEOUL (Korea Bizwire) -- The Japan School of Foreign Service opened.", [("SEOUL", "seoul")]),
    ("首相官邸危機管理センターに対策室を設置した。首相官邸は発表した。",  # a centre of the office
     [("首相官邸", "prime-ministers-office-japan")]),
    # A country's possessive before a name the glossary holds without it.
    ("TOKYO - China's Coast Guard said its ships patrolled. China's foreign ministry said so.",
     [("TOKYO", "tokyo"), ("China's Coast Guard", "china-coast-guard"), ("China", "china")]),
    # A body right after the one it belongs to, and its sibling after it.
    ("自民党の外交部会と外交調査会が合同会議を開いた。",
     [("自民党", "liberal-democratic-party"), ("外交部会", "ldp-foreign-affairs-division"),
      ("外交調査会", "ldp-research-commission-on-foreign-affairs")]),
    ("The World Health Organisation and the World Trade Organisation met.",  # British spelling
     [("World Health Organisation", "world-health-organization"),
      ("World Trade Organisation", "world-trade-organization")]),
    ("和田外相が会見した。", []),  # a surname (Wada), not Hotan
    ("香港国安法違反の罪で起訴された。", [("香港国安法", "hong-kong-national-security-law")]),  # a Chinese short form
    # A name before its former name in brackets is the same entry.
    ("2024年にX（旧ツイッター）へ投稿した。", [("X", "twitter"), ("ツイッター", "twitter")]),
    ("他在X（前稱Twitter）發文。", [("X", "twitter"), ("Twitter", "twitter")]),
    ("Ｘ（ツイッター）に投稿した。", [("Ｘ", "twitter"), ("ツイッター", "twitter")]),
    # A long surname with an honorific is the one person the glossary holds under it; a common one is not.
    ("萩生田氏は台湾を訪問した。", [("萩生田", "hagiuda-koichi"), ("台湾", "taiwan")]),
    ("石川氏が述べた。", []),
    # A shared body's name in a list with bodies or people of one candidate's country (round 9).
    ("11月14日，外交部和中國駐日本大使館提醒公民。",
     [("外交部", "ministry-of-foreign-affairs-china"), ("中國駐日本大使館", "embassy-of-china-in-japan")]),
    ("國防部長顧立雄、外交部次長吳志中出席。",
     [("顧立雄", "koo-li-hsiung"), ("外交部", "ministry-of-foreign-affairs-taiwan"), ("吳志中", "wu-chih-chung")]),
    # ... or, not between the PRC and Taiwan, the country the text's other names belong to.
    ("此外，高市在眾議院選舉勝選後表示，日本首相高市早苗。",
     [("高市", "takaichi-sanae"), ("眾議院", "house-of-representatives-japan"), ("日本", "japan"),
      ("高市早苗", "takaichi-sanae")]),
    # A head of government in office by the data is named by surname alone in English, with no full name before.
    ("Takaichi said on Friday that Japan would not back down.", [("Takaichi", "takaichi-sanae"), ("Japan", "japan")]),
    ("上海日本人学校停课。在日本学校就读。", [("日本", "japan")]),  # a school named after its place; Japanese schools
    # A surname the text gave someone else in full is that person, whom the glossary lacks.
    ("Hu Youping was injured in Suzhou. Hu was praised. It happened in the Suzhou New District.",
     [("Suzhou", "suzhou")]),
    # An English word as a surname at a sentence's start, after the text named the person; "He" stays a pronoun.
    ("Ambassador Sun Weidong met officials. Sun said the talks went well.",
     [("Sun Weidong", "sun-weidong"), ("Sun", "sun-weidong")]),
    ("Vice Premier He Lifeng spoke. He said so.", [("He Lifeng", "he-lifeng")]),
    # A mission's short name after its full name: that mission (every mission of the country shares it).
    ("日本驻上海总领事馆发出提醒。日本总领事馆表示将协助。",
     [("日本驻上海总领事馆", "consulate-general-of-japan-in-shanghai"),
      ("日本总领事馆", "consulate-general-of-japan-in-shanghai")]),
    ("東京−北京フォーラムが開かれた。", [("東京−北京フォーラム", "beijing-tokyo-forum")]),  # any dash
    ("澳大利亚洛伊研究所发布报告。",  # a country before a body the glossary holds is its own mention
     [("澳大利亚", "australia"), ("洛伊研究所", "lowy-institute")]),
    ("他援引《联合国宪章》第51条。《人民日报》报道。", [("人民日报", "peoples-daily")]),
    ("亚洲大洋洲局局长金井正彰访华。亚洲和大洋洲局势。",  # a bureau with its director's title
     [("亚洲大洋洲局", "mofa-japan-asian-and-oceanian-affairs-bureau"), ("金井正彰", "kanai-masaaki"),
      ("亚洲", "asia"), ("大洋洲", "oceania")]),
    # A court or police force named after its place, which the glossary lacks: not the place (round 10).
    ("東京地裁は判決を言い渡した。澳門警察が逮捕した。東京で会見した。", [("東京", "tokyo")]),
    # Round 11. Hong Kong, Macau or Taiwan joined to its own body is one name, as a country joined to its own is.
    ("台灣外交部與香港投資推廣署發表聲明。", [("台灣外交部", "ministry-of-foreign-affairs-taiwan"),
                                  ("香港投資推廣署", "invest-hong-kong")]),
    # A place at the head of a broadcaster, launch site or carmaker the glossary lacks is no mention.
    ("卫星从西昌航天发射场发射。据札幌放送电视台报道。广州汽车工业集团发布数据。", []),
    # "Seafood" after the country, as the segmenter reads it, not the Sea of Japan (日本|海產).
    ("暫停進口日本海產。俄军舰穿越日本海。", [("日本", "japan"), ("日本海", "sea-of-japan")]),
    # A mission's generic name is the one whose host the text names (香港政府: the consulate-general in Hong Kong).
    ("香港政府宣布停止與日本總領事館的公務往來。", [("香港政府", "hong-kong-government"),
                                     ("日本總領事館", "consulate-general-of-japan-in-hong-kong")]),
    ("广州市政府与日本总领事馆会谈。", [("广州市", "guangzhou"), ("日本总领事馆", "consulate-general-of-japan-in-guangzhou")]),
    ("日本總領事館發表聲明。", []),  # no host named: no evidence for any of them
    # An outlet's own edition is the outlet (新華網日本語版).
    ("新華網日本語版によると、人民網日本語版も伝えた。", [("新華網日本語版", "xinhua"), ("人民網日本語版", "peoples-daily")]),
    # A gloss in brackets between a ministry and its spokesperson (People's Daily's Japanese edition).
    ("外交部（外務省）の毛寧報道官は述べた。中国は反発した。",
     [("外交部", "ministry-of-foreign-affairs-china"), ("外務省", "ministry-of-foreign-affairs-china"),
      ("毛寧", "mao-ning"), ("中国", "china")]),
    # A name the text interrupts with its abbreviation in brackets.
    ("亚太经合组织(APEC)第三十二次领导人非正式会议在庆州举行。亚太经合组织(APEC)成员国",
     [("亚太经合组织(APEC)第三十二次领导人非正式会议", "apec-gyeongju-2025"), ("庆州", "gyeongju"),
      ("亚太经合组织", "apec"), ("APEC", "apec")]),
    ("這與2012年尖閣諸島（釣魚台）國有化有關。", [("尖閣諸島", "senkaku-islands"), ("釣魚台", "senkaku-islands")]),
    # A country before "-isation" or "-affiliated" (中国化, 中国系) modifies the word: the country counts.
    ("香港の中国化。中国系の企業。日中は4つの基本文書を確認した。",
     [("香港", "hong-kong"), ("中国", "china"), ("中国", "china"), ("4つの基本文書", "four-political-documents")]),
    # Round 12 (English). A place at the head of a chamber, centre or company the glossary lacks is no mention.
    ("The Osaka Chamber of Commerce met at the Busan Exhibition and Convention Center.", []),
    # Hong Kong's English press: the Cantonese given name after the English one; house-style acronyms.
    ("Jimmy Lai Chee-ying was sentenced. Leaders met at the Apec summit; Asean too. The us and US.",
     [("Jimmy Lai Chee-ying", "jimmy-lai"), ("Apec", "apec"), ("Asean", "asean"), ("US", "united-states")]),
    # Round 12. A country's embassy by a place the text names in the host country (not the sender's).
    ("北京の日本大使館は声明を出した。", [("北京", "beijing"), ("日本大使館", "embassy-of-japan-in-china")]),
    # A country before an outlet of another country: not that outlet (North Korea's KCNA is no Taiwan CNA).
    ("據北韓中央通信社報導。日本共同社報導。", [("北韓中央通信社", "kcna"), ("日本", "japan"), ("共同社", "kyodo-news")]),
    ("據越南中央通信社報導。", [("越南", "vietnam")]),  # (the glossary holds no such outlet of Vietnam's)
    # A body's last character starts its head's title (立法院|長); 北海道|内; the day's 日 before 共 (no 日共).
    ("台湾の立法院長が来日した。北海道内産のホタテ。", [("台湾", "taiwan"), ("立法院", "legislative-yuan"),
                                         ("北海道", "hokkaido")]),
    ("3月2日共須繳納。日共表示反對。木原稔防衛相は述べた。木原則說不予置評。",
     [("日共", "japanese-communist-party"), ("木原稔", "kihara-minoru"), ("木原", "kihara-minoru")]),
    # Round 13. 国会 in brackets glosses another country's legislature or its members: no Diet.
    ("民党所属の立法委員（国会議員）7人。全人代常務委員長（国会議長に相当）と会談。国会で審議された。",
     [("全人代", "national-peoples-congress"), ("国会", "national-diet")]),
    # 国会 in Chinese is any country's parliament: the Diet where the text is about Japan, not in one on Korea.
    ("韓國國會表決彈劾案。國會議長表示。尹錫悅在國會發表演說。",
     [("韓國國會", "national-assembly-south-korea"), ("國會", "national-assembly-south-korea"),
      ("尹錫悅", "yoon-suk-yeol"), ("國會", "national-assembly-south-korea")]),
    ("美国国会通过法案。韩国前总统尹锡悦派军队进入国会。韩国法院判决。",
     [("美国", "united-states"), ("韩国", "south-korea"), ("尹锡悦", "yoon-suk-yeol"),
      ("国会", "national-assembly-south-korea"), ("韩国", "south-korea")]),
    ("日本公明党议员竹内真二3日在国会质询中指出。",
     [("日本公明党", "komeito"), ("竹内真二", "takeuchi-shinji"), ("国会", "national-diet")]),
    ("国会で審議された。", [("国会", "national-diet")]),  # Japanese: the Diet
    # Company names as wires print them (derived "Co", "Corp.", "Ltd"), and forms outlets use.
    ("Taiwan Semiconductor Manufacturing Co said. Toyota Motor Corp. fell. the Komeito Party agreed.",
     [("Taiwan Semiconductor Manufacturing Co", "tsmc"), ("Toyota Motor Corp.", "toyota-motor"),
      ("Komeito Party", "komeito")]),
    # A name is no evidence for itself: the surname after the full name is the person, not the prefecture.
    ("Natsuo Yamaguchi visited Beijing. Yamaguchi met Wang Yi.",
     [("Natsuo Yamaguchi", "yamaguchi-natsuo"), ("Beijing", "beijing"), ("Yamaguchi", "yamaguchi-natsuo"),
      ("Wang Yi", "wang-yi")]),
    ("Yamaguchi Prefecture is in the west. Yamaguchi is quiet.",
     [("Yamaguchi Prefecture", "yamaguchi-prefecture"), ("Yamaguchi", "yamaguchi-prefecture")]),
    # An organisation's name that needs context, right after its country's (英國金融時報).
    ("據英國金融時報報導。金融時報報導。", [("英國", "united-kingdom"), ("金融時報", "financial-times")]),
    # A country and its own mission "stationed in" a place, one name; a country before a presidential office
    # the glossary lacks is no mention.
    ("台灣駐日代表處表示。韓国大統領府は発表した。", [("台灣駐日代表處", "tecro-japan")]),
    # English: a mission's short name ("the Japanese Embassy") by its host the text names, or after its full name.
    ("In Beijing, the Japanese Embassy issued a warning. The Japanese Embassy said no more.",
     [("Beijing", "beijing"), ("Japanese Embassy", "embassy-of-japan-in-china"),
      ("Japanese Embassy", "embassy-of-japan-in-china")]),
    ("The Japanese Embassy issued a warning.", []),  # no host named: any of Japan's embassies
    # A surname after a word that starts sentences ("Regarding Takaichi's remarks") stands alone.
    ("Regarding Takaichi's remarks, Beijing protested.", [("Takaichi", "takaichi-sanae"), ("Beijing", "beijing")]),
    # A katakana name's family name before an honorific, after the full name, in the English name's order.
    ("チョ・テヨル外相は述べた。チョ氏は会談後に語った。オードリー・タン氏が来日。タン氏は講演した。チョ氏は来なかった。",
     [("チョ・テヨル", "cho-tae-yul"), ("チョ", "cho-tae-yul"), ("オードリー・タン", "audrey-tang"),
      ("タン", "audrey-tang"), ("チョ", "cho-tae-yul")]),
    # An ideographic variation selector after a character (the glyph a name is printed with) is no break in it.
    ("高\U000E0100市早苗首相は述べた。", [("高\U000E0100市早苗", "takaichi-sanae")]),
    # 敗戦 ("defeat") is any defeat until the text names the surrender.
    ("「敗戦のような民族的壊滅を」と述べた。", []),
    ("日本の降伏から80年。敗戦の日を迎えた。", [("日本の降伏", "surrender-of-japan"), ("敗戦", "surrender-of-japan")]),
    # A katakana reading in brackets inside a name; a launch site named after its island.
    ("新疆(シンチャン)ウイグル自治区で。種子島宇宙センターから打ち上げた。",
     [("新疆(シンチャン)ウイグル自治区", "xinjiang"), ("種子島宇宙センター", "tanegashima-space-center")]),
    # A country before an opening quote says whose body the quoted name is (the PRC's way with Taiwan's).
    ("国台办发言人表示，台“外交部”近日声称。", [("国台办", "taiwan-affairs-office"),
                                   ("外交部", "ministry-of-foreign-affairs-taiwan")]),
    # A middle dot the text writes inside a name the glossary holds without one; places in a row stay apart.
    ("大阪·关西世博会开幕。中国·北京市", [("大阪·关西世博会", "expo-2025-osaka"), ("中国", "china"), ("北京市", "beijing")]),
    # Hong Kong's press on Hong Kong: 本港 says whose bureau it is.
    ("本港教育局日前發出通告。", [("教育局", "education-bureau-hong-kong")]),
    # A short form shared with another entry is the one whose name begins with the place the text names.
    ("Hong Kong has changed since the National Security Law was imposed.",
     [("Hong Kong", "hong-kong"), ("National Security Law", "hong-kong-national-security-law")]),
    # An outlet's short name with what it is after it.
    ("An article in the Asahi newspaper said so. Asahi also reported it.",
     [("Asahi", "asahi-shimbun"), ("Asahi", "asahi-shimbun")]),
    ("Asahi means morning sun.", []),
    # A name left open with one candidate stays open (Hypothesis found a crash here).
    ("10th CCP Congress 10th CCP Congress National Security Law",
     [("10th CCP Congress", "ccp-10th-national-congress"), ("10th CCP Congress", "ccp-10th-national-congress"),
      ("National Security Law", None)]),
    # A Hong Kong or Taiwan body's short name where the text names something of its place.
    ("香港特區政府表示，立法會將審議法案。", [("香港特區政府", "hong-kong-government"),
                                  ("立法會", "legislative-council-hong-kong")]),
    ("立法會將審議法案。", [("立法會", None)]),  # Macao's is 立法會 too: which one, the text does not say
    ("台灣外交部表示，總統府發言人郭雅慧說。", [("台灣外交部", "ministry-of-foreign-affairs-taiwan"),
                                   ("總統府", "presidential-office-taiwan"), ("郭雅慧", "kuo-ya-hui")]),
    ("日本驻韩国大使馆发表声明。日本大使馆称。",
     [("日本驻韩国大使馆", "embassy-of-japan-in-south-korea"), ("日本大使馆", "embassy-of-japan-in-south-korea")]),
    # A word read across a title's end and a person's name gives way to the name (副院長|江啟臣, not 長江).
    ("立法院副院長江啟臣出席。長江流域發生洪水。",
     [("立法院", "legislative-yuan"), ("江啟臣", "chiang-chi-chen"), ("長江", "yangtze-river")]),
    ("前首相野田佳彦(Yoshihito Noda)表示。",  # a Latin gloss (misspelt) of the Han name is that person
     [("野田佳彦", "noda-yoshihiko"), ("Yoshihito Noda", "noda-yoshihiko")]),
    # A name curated in one script for one entry, converted from the other script for another: the script decides.
    ("經濟日報記者報導。", [("經濟日報", "economic-daily-news")]),
    ("经济日报报道了此事。", [("经济日报", "economic-daily-china")]),
    ("川普從釜山金海國際機場離開。", [("川普", "trump-donald"), ("釜山", "busan"),  # places in a row
                                 ("金海國際機場", "gimhae-international-airport")]),
    ("中華民国の総統が演説した。", [("中華民国", "taiwan")]),
]

# 18. A known name at the head of a longer one the glossary lacks is no mention alone (probing round 15): a court,
# an index, a port, an airport, a pavilion, a hall, a party's congress; in English a capitalised run that ends in an
# organisation's or a tournament's head word, or a title-case name with a preposition before the place.
INNER_NAMES = [
    ("首尔南部地方法院周三作出判决。", []),
    ("韩国综合股价指数周一上涨。", [("韩国综合股价指数", "kospi")]),  # (once the glossary holds it, the whole)
    ("台湾加权股价指数周一上涨。", []),
    ("运输船停靠在釜山港。", []),
    ("我们乘坐JR九州的列车。", []),
    ("鹿児島空港から出発した。", []),
    ("中国馆前排起长队。", []),
    ("比赛在黑龙江冰上中心速滑馆举行。", []),
    ("朝鲜劳动党第八次代表大会在平壤召开。", [("平壤", "pyongyang")]),
    ("日本自民黨今天舉行調查會。", [("日本自民黨", "liberal-democratic-party")]),  # a meeting, not a division
    ("韩国法院判决。", [("韩国", "south-korea")]),  # Korea's courts: a country modifying a word
    ("After the Korea Masters, the China Lunar Exploration Center and the Busan District Court closed early, "
     "Focus On Japan reported.", []),
    ("In Japan, the Bank of Japan and Japan Airlines met.",
     [("Japan", "japan"), ("Bank of Japan", "bank-of-japan"), ("Japan Airlines", "japan-airlines")]),
    # A surname the text gives a person it names in full and the glossary lacks is that person's: not the president
    # whose surname it is, nor the prefecture spelt the same.
    ("Judge Lee Jin-gwan read the verdict, and Lee later said it was fine.", []),
    ("He said Hiroko Yamaguchi had been calm; Yamaguchi declined to comment.", []),
    ("In Yamaguchi, the governor spoke.", [("Yamaguchi", "yamaguchi-prefecture")]),
    # A one-character surname before a verb of saying, after the full name (not without it, nor inside a word).
    ("黎智英被捕。黎表示不服。", [("黎智英", "jimmy-lai"), ("黎", "jimmy-lai")]),
    ("尹锡悦被判刑。尹表示将上诉。", [("尹锡悦", "yoon-suk-yeol"), ("尹", "yoon-suk-yeol")]),
    ("黎表示不服。", []),
    ("王毅会见国王。国王表示欢迎。", [("王毅", "wang-yi")]),
    # 国会 in Japanese news on Korea is the National Assembly; where Japan is named as much, the Diet.
    ("ソウルで李在明大統領は国会で演説し、「国民の力」が反発した。",
     [("ソウル", "seoul"), ("李在明", "lee-jae-myung"), ("国会", "national-assembly-south-korea"),
      ("国民の力", "people-power-party")]),
    # Probing round 16: tournaments, streets, district courts, constituencies and broadcasters after a place; a
    # Japanese agency (庁) after a country; English runs ending in Association, Tournament, Group; names inside a
    # notice's descriptive title; Korean and Cantonese names printed without their hyphen.
    ("她在马来西亚公开赛夺冠。", []),
    ("他住在重慶路。新竹地院判決。新界東北選區投票。九州朝日放送報導。", []),
    ("ソウル南部地裁は判決を言い渡した。韓国警察庁が発表した。", []),
    ("The Japan Karate Association met before the Nagoya Grand Sumo Tournament.", []),
    ("公司发布《关于日本航线客票的通知》。", [("日本", "japan")]),
    ("Kim Keon Hee was sentenced; Sam Hou Fai spoke.", [("Kim Keon Hee", "kim-keon-hee"), ("Sam Hou Fai", "sam-hou-fai")]),
    ("The ship returned to Naha City; Honda Motor Co. and Nissan Motor Co., Ltd. cut prices in Mexico City.",
     [("Naha City", "naha"), ("Honda Motor Co.", "honda-motor"), ("Nissan Motor Co., Ltd.", "nissan-motor")]),
    ("Jiang Zhuojin was seen at 9:55 PM, and Jiang bought the paint for US$30.", []),  # a time, money
    # A body's short name in a text on its country: "the Diet", "the Defense Ministry" where Japan is named most.
    ("Prime Minister Sanae Takaichi spoke at the Diet; the Defense Ministry said jets were scrambled.",
     [("Sanae Takaichi", "takaichi-sanae"), ("Diet", "national-diet"), ("Defense Ministry", "ministry-of-defense-japan")]),
    ("South Korea's Lee Jae-myung visited Seoul; the Defense Ministry said.",
     [("South Korea", "south-korea"), ("Lee Jae-myung", "lee-jae-myung"), ("Seoul", "seoul")]),
    # Round 17: a country joined to its own government agency (南韓宇宙航空廳), plural and venue heads in English.
    ("南韓宇宙航空廳發表。", [("南韓宇宙航空廳", "korea-aerospace-administration")]),
    ("南韓國家情報院表示。", [("南韓國家情報院", "national-intelligence-service-south-korea")]),
    ("巴黎奧運和東京奧運都延期了。", []),  # games the glossary spells only with 會: no place alone
    ("The Shenzhen Stock Exchanges and the Daejeon Hanwha Life Ballpark opened.", []),
    ("Hong Kong voters elected the Legislative Council.",
     [("Hong Kong", "hong-kong"), ("Legislative Council", "legislative-council-hong-kong")]),
    ("韓国の李在明大統領とソウルで会談後、首相は国会で説明した。",  # no Korean party named: the Diet
     [("韓国", "south-korea"), ("李在明", "lee-jae-myung"), ("ソウル", "seoul"), ("国会", "national-diet")]),
    ("在京中国大使館は声明を出した。", [("在京中国大使館", "embassy-of-china-in-japan")]),
    ("サッカー韓国代表が勝った。日本代表団が到着した。", [("日本", "japan")]),  # a team; a delegation's country
    ("高市首相は国会で答弁し、ソウルの李在明大統領も注目した。",
     [("高市", "takaichi-sanae"), ("国会", "national-diet"), ("ソウル", "seoul"), ("李在明", "lee-jae-myung")]),
]


@pytest.mark.parametrize("text, expected", ONE_NORMALISER + NO_HIDDEN_NAMES + WORD_BOUNDARIES + TITLES + ORDER
                         + DISAMBIGUATION + READINGS + SHARED_EDGES + COUNTRY_BEFORE_BODY + EXACT_SPELLING + SHIPS
                         + ENGLISH_NAMES + LONGER_NAMES + PLACES_AND_EDGES + TEXT_CUES + INNER_NAMES)
def test_real_news_patterns(curated, text, expected):
    result = normalize_text(curated, text, mode="mentions")
    assert _pairs(result) == expected
    for m in result.mentions:
        assert text[m.start : m.end] == m.surface


def test_one_character_surname_and_title_at_the_texts_date(curated):
    found = normalize_text(curated, "李总理表示欢迎。", mode="mentions", date="2025-01")
    assert [(m.surface, m.entry_id) for m in found.mentions] == [("李", "li-qiang")]


@pytest.mark.parametrize("text, date, expected", [
    ("習国家主席が来日した。", "2025-12-01", [("習", "xi-jinping")]),  # a title outside the curated context 氏
    ("菅首相は会見した。", "2021-06-11", [("菅", "suga-yoshihide")]),  # two PMs named 菅: the date says which
    ("菅首相は会見した。", "2011-01-20", [("菅", "kan-naoto")]),
    ("頼総統は声明を出した。", "2025-12-30", [("頼", "lai-ching-te")]),
    ("韓大統領が来日した。", "2025-06-01", []),  # 韓 is Korea: the Korean president, not Han Kuo-yu
    ("韩总统表示欢迎。", "2025-06-01", []),
    ("金大統領は述べた。", "2025-12-01", []),  # 大統領 is no President of the State Affairs
])
def test_any_title_after_a_one_character_surname(curated, text, date, expected):
    found = normalize_text(curated, text, mode="mentions", date=date)
    assert [(m.surface, m.entry_id) for m in found.mentions] == expected


@pytest.mark.parametrize("text, expected", [
    ("岸田首相表示。", [("岸田", "kishida-fumio")]),  # looking back: the only 岸田 who was prime minister
    ("岸田前首相表示。", [("岸田", "kishida-fumio")]),
    ("福田元総理大臣は上海で講演した。", [("福田", "fukuda-yasuo"), ("上海", "shanghai")]),  # one of two PMs Fukuda is alive
    ("大平首相が署名した文書を展示した。", [("大平", "ohira-masayoshi")]),  # the only one: history counts
])
def test_a_title_the_person_held_before_the_texts_date(curated, text, expected):
    found = normalize_text(curated, text, mode="mentions", date="2025-03-01")
    assert [(m.surface, m.entry_id) for m in found.mentions] == expected


@pytest.mark.parametrize("text, date, expected", [
    ("Beijing rejected the remarks of Takaichi on Taiwan.", "2025-11-20",  # the prime minister at that date
     [("Beijing", "beijing"), ("Takaichi", "takaichi-sanae"), ("Taiwan", "taiwan")]),
    ("Beijing rejected the remarks of Takaichi on Taiwan.", "2021-03-01", [("Beijing", "beijing"), ("Taiwan", "taiwan")]),
    ("Jimmy Lai appeared in court. Lai said nothing.", "2025-11-20",  # the text's own evidence comes first
     [("Jimmy Lai", "jimmy-lai"), ("Lai", "jimmy-lai")]),
])
def test_a_leader_in_office_is_named_by_surname(curated, text, date, expected):
    found = normalize_text(curated, text, mode="mentions", date=date)
    assert [(m.surface, m.entry_id) for m in found.mentions] == expected


def test_title_holder_at_the_texts_date(curated):
    # Three Lis were premiers; the date of the text says which one 李首相 is.
    text = "李強首相と会談した。李首相は述べた。"
    found = normalize_text(curated, text, mode="mentions", date="2024-05")
    assert [(m.surface, m.entry_id) for m in found.mentions] == [("李強", "li-qiang"), ("李", "li-qiang")]


# 12. Rewriting an editor accepts.
REWRITES = [
    ("The Chinese Communist Party (CCP) met.", "en", "The Chinese Communist Party (CCP) met."),
    ("The CCP met.", "zh-Hans", "The 中共 met."),
    ("TOKYO (Kyodo) -- Officials said.", "ja", "東京 (共同通信社) -- Officials said."),
    ("The mayor of Kyoto spoke.", "ja", "The mayor of 京都 spoke."),
    ("Tokyo Metropolis and Guangdong province", "zh-Hans", "东京都 and 广东省"),
]


@pytest.mark.parametrize("text, target, expected", REWRITES)
def test_rewrites_keep_the_form_the_text_used(curated, text, target, expected):
    assert normalize_text(curated, text, target=target).text == expected


# -- the one normaliser, as properties ----------------------------------------------------------------

NAME_CHARS = st.characters(codec="utf-8", categories=("Lu", "Ll", "Lo", "Mn", "Zs", "Pd", "Po", "Nd", "Cf"))


@given(st.text(NAME_CHARS, max_size=30))
@settings(max_examples=400, deadline=None)
def test_scan_fold_keeps_length_and_agrees_with_the_key(s):
    folded = scan_fold(s)
    assert len(folded) == len(s)
    assert name_key(folded) == name_key(s)


@given(st.text(st.one_of(st.characters(max_codepoint=0x7F), NAME_CHARS), max_size=40))
@settings(max_examples=400, deadline=None)
def test_scan_fold_of_mostly_ascii_text_is_the_fold_of_each_character(s):
    """English text with a few accented names takes a quicker path than the per-character table: the same fold."""
    from glossary.keys import _FOLD

    assert scan_fold(s) == (s.lower() if s.isascii() else s.translate(_FOLD))


@given(st.text(alphabet="aeiouōūôûOUŌhnkstAEIOr '-", max_size=16))
@settings(max_examples=300, deadline=None)
def test_every_scan_spelling_has_the_names_key(name):
    key = name_key(name)
    for spelling in scan_spellings(name):
        assert name_key(spelling) == key


def _fold_until_stable(s: str) -> str:
    pattern = re.compile(r"o(?:u|o|h(?![aeiouy]))|uu")
    while True:
        folded = pattern.sub(lambda m: m.group(0)[0], s)
        if folded == s:
            return s
        s = folded


@given(st.text(alphabet="ouhaiy k", max_size=20))
def test_long_vowel_fold_is_the_fixed_point_in_one_pass(s):
    from glossary.keys import fold_long_vowels

    assert fold_long_vowels(s) == _fold_until_stable(s)


def test_long_vowel_fold_is_linear():
    from glossary.keys import fold_long_vowels

    assert fold_long_vowels("o" + "h" * 20000) == "o"  # once quadratic (issue 12, item 5)


@pytest.mark.parametrize("name", ["Kōno Tarō", "Ōhira Masayoshi", "Shin'ichi", "Yōhei Kōno", "Hsi Chin-p'ing"])
def test_text_finds_every_spelling_lookup_finds(curated, name):
    for spelling in scan_spellings(name):
        hits = curated.lookup(spelling)
        if not hits:
            continue
        found = normalize_text(curated, f"On Monday {spelling} said so.", mode="mentions").mentions
        assert any(m.surface == spelling for m in found), spelling
