"""`glossary batch` throughput: an archive of articles through a local process pool and a local Dask cluster,
with one and two workers. Articles are news-like text of our own: sentences that name no one around the
sentences of bench/corpus.py that name glossary entries, a headline, an id and a date, in three languages.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.corpus import EN_TEMPLATES, JA_TEMPLATES, ZH_TEMPLATES, names_by_lang
from glossary import DEFAULT_SEEDS, Glossary
from glossary import batch as b

# Sentences of our own that name no glossary entry: most of a news article is not names.
FILLER = {
    "en": [
        "The ministry said the figures would be revised once the final customs data were available.",
        "Prices of rice and cooking oil rose for a third month, driven by higher transport costs.",
        "A spokeswoman for the port authority said the new terminal would open in the spring.",
        "Local farmers said heavy rain in early summer had cut the harvest by about a tenth.",
        "Economists expect the central bank to leave interest rates unchanged at its next meeting.",
        "The agreement covers fishing quotas, maritime rescue and the exchange of weather data.",
        "Several hundred people gathered outside the court, where the hearing lasted four hours.",
        "Exports of electronic components fell for the first time in two years, the report showed.",
        "The company plans to hire 2,000 engineers over the next three years, it said in a filing.",
        "Tourist arrivals recovered to about 80 percent of their level before the pandemic.",
    ],
    "zh": [
        "有关部门表示，待海关最终数据公布后将对上述数字进行修订。",
        "受运输成本上升影响，大米和食用油价格连续第三个月上涨。",
        "港口管理部门发言人说，新码头预计将于明年春季投入使用。",
        "当地农民说，初夏的暴雨使今年的收成减少了大约一成。",
        "经济学家预计，央行在下次会议上将维持利率不变。",
        "协议内容涉及渔业配额、海上救援以及气象数据交换等方面。",
        "数百人聚集在法院门外，庭审持续了四个小时。",
        "报告显示，电子元器件出口两年来首次出现下降。",
        "该公司在公告中表示，计划在未来三年内招聘两千名工程师。",
        "游客人数已恢复到疫情前水平的八成左右。",
    ],
    "ja": [
        "同省は、税関の確定値がまとまり次第、数字を修正するとしている。",
        "輸送費の上昇を受けて、コメと食用油の価格は3か月連続で上がった。",
        "港湾当局の報道担当者によると、新しいターミナルは春に開業する予定だ。",
        "地元の農家によると、初夏の大雨で収穫は1割ほど減ったという。",
        "エコノミストの多くは、中央銀行が次の会合で金利を据え置くとみている。",
        "合意には漁獲枠や海難救助、気象データの交換などが盛り込まれた。",
        "裁判所の前には数百人が集まり、審理は4時間に及んだ。",
        "報告書によると、電子部品の輸出は2年ぶりに減少した。",
        "同社は届け出の中で、今後3年間で技術者2000人を採用する計画を明らかにした。",
        "訪日客数は感染拡大前の8割ほどまで回復した。",
    ],
}
TEMPLATES = {"en": EN_TEMPLATES, "zh": ZH_TEMPLATES, "ja": JA_TEMPLATES}
SEP = {"en": " ", "zh": "", "ja": ""}


def write_archive(glossary: Glossary, path: Path, articles: int, seed: int = 3) -> dict:
    """``articles`` JSON Lines records (a third in each language) of 8 to 20 sentences, a third naming someone."""
    rng = random.Random(seed)
    names = names_by_lang(glossary)
    text_bytes = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(articles):
            lang = ("en", "zh", "ja")[i % 3]
            sentences = []
            for _ in range(rng.randint(8, 20)):
                if rng.random() < 0.35:
                    pool = names[lang]
                    sentences.append(rng.choice(TEMPLATES[lang]).format(
                        a=rng.choice(pool), b=rng.choice(pool), c=rng.choice(pool)))
                else:
                    sentences.append(rng.choice(FILLER[lang]))
            text = SEP[lang].join(sentences)
            text_bytes += len(text.encode("utf-8"))
            record = {"id": f"a{i:06d}", "lang": lang, "date": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      "headline": sentences[0][:60], "text": text}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"articles": articles, "text_bytes": text_bytes, "file_bytes": path.stat().st_size}


def bench_batch(glossary: Glossary, quick: bool = False) -> list[str]:
    """Throughput of the batch command, per engine and number of workers; the README lines."""
    from distributed import Client, LocalCluster

    articles = 300 if quick else 1_500
    source = b.GlossarySource(str(DEFAULT_SEEDS))
    options = b.Options(mode="rewrite", date_field="date")
    rows = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "archive.jsonl"
        corpus = write_archive(glossary, src, articles)
        print(f"  archive: {corpus['articles']:,} articles, {corpus['text_bytes'] / 1e6:.2f} MB of text, "
              f"{corpus['file_bytes'] / 1e6:.2f} MB of JSON Lines", flush=True)
        outputs = {}

        def measure(engine: str, n: int, **kw) -> None:
            out = Path(tmp) / f"{engine}-{n}.jsonl"
            started = time.perf_counter()
            totals = b.run(src, out, options, source, progress=False, log=lambda line: None, **kw)
            wall = time.perf_counter() - started
            outputs[(engine, n)] = out.read_bytes()
            rows.append({"engine": engine, "workers": n, "seconds": totals["seconds"], "wall": wall,
                         "articles": totals["written"], "text_bytes": totals["text_bytes"],
                         "cpu": totals["cpu_seconds"]})
            print(f"  {engine:11} {n} worker(s): {totals['written'] / totals['seconds']:7.1f} articles/s, "
                  f"{totals['text_bytes'] / totals['seconds'] / 1e6:5.2f} MB/s of text "
                  f"({totals['seconds']:.1f}s, workers' CPU {totals['cpu_seconds']:.1f}s; {wall:.1f}s with loading the "
                  "glossary)", flush=True)

        for workers in (1, 2):
            measure("local pool", workers, workers=workers)
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                # Each worker loads the glossary once, when the plugin arrives: a first small run pays for
                # that, so the measured run is the steady state a long job sees.
                warm = Path(tmp) / "warm.jsonl"
                warm.write_text(src.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
                b.run(warm, Path(tmp) / f"warm-{workers}.jsonl", options, source, client=client, progress=False,
                      log=lambda line: None)
                measure("dask", workers, client=client)
    load_after = os.getloadavg()[0]
    same = len(set(outputs.values())) == 1
    print(f"  outputs identical across engines and worker counts: {same}")
    base = {r["engine"]: r["seconds"] for r in rows if r["workers"] == 1}
    lines = ["## Batch normalisation (`glossary batch`): latest results", "",
             f"An archive of {corpus['articles']:,} articles of our own (news-like sentences in English, Chinese and "
             f"Japanese, a third of them naming glossary entries; {corpus['text_bytes'] / 1e6:.2f} MB of text, "
             f"{corpus['file_bytes'] / 1e6:.2f} MB of JSON Lines), `--mode rewrite --date-field date`, the curated "
             "glossary. Seconds from the first part to the joined output; the glossary is loaded and its text "
             "scanner built before (the pool's processes are forked after that; each Dask worker loads it once, "
             "in a warm-up run not counted here). With 1 worker the local pool is this process alone. "
             f"Load average on the machine (1 min) before and after: {load_before:.1f}, {load_after:.1f}: "
             "the other processes on the machine take their share of its cores too. The workers' CPU seconds "
             "(summed over the parts) show what the work costs whatever share of the machine it got: when "
             "they stay flat from 1 to 2 workers, the second worker adds no work of its own, and the wall "
             "clock gains only what the machine's idle cores allow.", "",
             "| engine | workers | seconds | articles/s | MB/s of text | vs 1 worker | workers' CPU seconds "
             "| articles per CPU second |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['engine']} | {r['workers']} | {r['seconds']:.1f} | {r['articles'] / r['seconds']:,.0f} | "
                     f"{r['text_bytes'] / r['seconds'] / 1e6:.2f} | {base[r['engine']] / r['seconds']:.2f}x | "
                     f"{r['cpu']:.1f} | {r['articles'] / r['cpu']:,.0f} |")
    lines += ["", f"Outputs identical across engines and worker counts: {'yes' if same else 'NO'}.", ""]
    return lines
