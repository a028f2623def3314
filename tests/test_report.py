"""`report SAVE`: the after-action report holds the timeline, the votes and reasons, the assessments,
what really happened with sources and the discussion questions, self-contained; bad input is one line."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from game import cli
from game.engine.game import Game
from game.report import build_report, export_report, render_html, render_markdown
from game.saving import load_game
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:                     # argparse's own usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def osh(tmp_path_factory):
    """A finished headless game of Kyrgyzstan 2010 (seed 1): its save and its `run --json` document."""
    d = tmp_path_factory.mktemp("osh")
    save = d / "osh.json"
    assert cli.main(["run", "kyrgyzstan_2010", "--seed", "1", "--save", str(save)]) == 0
    lg = load_game(save)
    return save, cli.run_report(lg.game), lg


def _text(html_doc: str) -> str:
    """The page's visible text, tags removed, entities decoded, spaces collapsed."""
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", html_doc, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_html_report_has_timeline_votes_reasons_assessments_history_and_questions(osh, tmp_path, capsys):
    save, played, lg = osh
    out = tmp_path / "report.html"
    code, _, err = _run(capsys, "report", str(save), "--out", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    text = _text(page)
    sc = lg.game.scenario
    # the decision timeline: every council decision with its summary, stages, votes and decisive reasons
    assert len(played["decisions"]) >= 2
    for p in played["decisions"]:
        assert p["summary"] in text
        for st in p["stages"]:
            if st["stage"] == "positions":          # shown as a table: each position, and the reasons at the level decided
                if st["level"] == p["outcome"]:
                    for info in st["members"].values():
                        assert info["why"] in text
                continue
            for reason in st.get("reasons", []):
                assert " ".join(reason.split()) in text, reason
        for why in p["decisive_text"]:
            assert why in text
        for member, pos in p["votes"].items():
            name = lg.game.world.actor(member).short_name or lg.game.world.name(member)
            assert re.search(rf"<td>{re.escape(html.escape(name))}[^<]*</td>.*?<td class=\"{pos}\">{pos}</td>",
                             page, flags=re.S), (member, pos)
    assert "Decisive:" in text and "day by day" in text
    # each event that fired, with the option chosen
    for e in played["events"]:
        assert e["title"] in text
        for c in e.get("choices", []):
            assert c["chosen"] in text
    # each actor's objectives and score
    for a in played["assessment"].values():
        assert f"{a['name']} — {a['score']:.0f}/100, {a['verdict']}" in text
        for o in a["objectives"]:
            assert html.unescape(html.escape(o["description"])) in text
    # what really happened, with sources
    hist = sc.history
    assert " ".join(hist.summary.split()) in text
    for t in hist.timeline:
        assert " ".join(t.text.split()) in text
    for d in hist.decisions:
        assert " ".join(d.note.split()) in text
    for s in sc.sources:
        assert f"[{s.id}]" in text and s.title in text
    assert "260–2,000" in text, "the historical range of deaths"
    # the discussion questions of the scenario
    assert sc.teaching is not None and sc.teaching.questions
    for q in sc.teaching.questions:
        assert " ".join(q.text.split()) in text
    for o in sc.teaching.learning_objectives:
        assert " ".join(o.split()) in text
    # charts: four inline SVG line charts, one with the historical band
    assert page.count("<svg") == 4 and page.count("<polyline") >= 6 and ">history</text>" in page


def test_html_report_is_self_contained_and_printable(osh):
    _, _, lg = osh
    page = render_html(build_report(lg.game))
    assert "<script" not in page.lower() and "<link" not in page.lower() and "<img" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page), "a link or file outside the page"
    assert "url(" not in page and "@import" not in page
    assert "@page" in page and "@media print" in page
    assert page == render_html(build_report(lg.game)), "the same game gives the same bytes"


def test_markdown_report_has_the_same_content_and_the_charts_figures(osh, tmp_path, capsys):
    save, played, lg = osh
    out = tmp_path / "report.md"
    code, _, err = _run(capsys, "report", str(save), "--out", str(out))     # the format follows the suffix
    assert code == 0, err
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# After-action report: Southern Kyrgyzstan, June 2010")
    assert "<svg" not in md and "<div" not in md
    plain = md.replace("\\", "")
    for p in played["decisions"]:
        assert p["summary"] in plain
        for why in p["decisive_text"]:
            assert why in plain
    assert "| date | deaths | displaced | refugees | stability | worst violence | troops |" in md
    last = lg.game.history[-1].indicators
    assert f"{last['casualties']:,.0f}" in md, "the charts' figures as a table"
    for q in lg.game.scenario.teaching.questions:
        assert " ".join(q.text.split()) in plain
    assert "## What really happened" in md and "## Discussion questions" in md
    code, out_, _ = _run(capsys, "report", str(save), "--format", "md")
    assert code == 0 and out_ == md, "standard output by default, the same document"


def test_report_escapes_what_a_scenario_says(tmp_path, capsys):
    text = (ROOT / "scenarios" / "kyrgyzstan_2010.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Southern Kyrgyzstan, June 2010", 'title: "<script>alert(1)</script> | *x*"', 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    game = Game(load_scenario(path).scenario, seed=0)
    for _ in range(3):
        game.end_turn()
    page = render_html(build_report(game))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = render_markdown(build_report(game))
    assert "<script>" not in md and "\\<script\\>" in md and "\\|" in md


def test_instructor_injects_and_adjustments_are_listed(osh):
    _, _, lg = osh
    game = lg.game
    game.log.append({"turn": 2, "by": "instructor", "kind": "inject", "text": "Uzbekistan closes the border tonight"})
    game.log.append({"turn": 4, "by": "instructor", "kind": "adjust", "action": {"kind": "adjust", "region": "KG-J",
                                                                               "figure": "violence", "add": 0.2}})
    try:
        text = _text(render_html(build_report(game)))
    finally:
        del game.log[-2:]
    assert "The instructor's injects and adjustments" in text
    assert "11 June 2010 Uzbekistan closes the border tonight inject" in text
    assert "13 June 2010 adjust: region KG-J, figure violence, add 0.2 adjust" in text
    assert "injects and adjustments" not in _text(render_html(build_report(game))), "no section when there are none"


def test_export_report_writes_a_new_file_each_time(osh, tmp_path):
    _, played, lg = osh
    a = export_report(lg.game, tmp_path)
    b = export_report(lg.game, tmp_path, fmt="md")
    c = export_report(lg.game, tmp_path)
    assert a.suffix == ".html" and b.suffix == ".md" and len({a, b, c}) == 3
    assert played["decisions"][0]["summary"] in _text(a.read_text(encoding="utf-8"))
    assert not list(tmp_path.glob("*.tmp"))


def test_bad_input_is_one_line_and_a_non_zero_exit(osh, tmp_path, capsys):
    save, _, _ = osh
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"seed": 1', encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    cases = [
        (["report", str(tmp_path / "missing.json")], 2, "There is no save"),
        (["report", str(corrupt)], 1, "damaged"),
        (["report", str(wrong)], 1, "not a Collective Security save"),
        (["report", str(save), "--out", str(tmp_path)], 2, "it is a folder"),
        (["report", str(save), "--out", str(tmp_path / "no" / "r.html")], 2, "its folder does not exist"),
        (["report", str(save), "--branch", "RU answers"], 2, "write ACTOR:ACTION"),
        (["report", str(save), "--branch", "RU:answer_request=peacekeeping@2010-06-11"], 2, "nobody has a request pending"),
        (["report", str(save), "--format", "pdf"], 2, "invalid choice"),
        (["report", str(save), "--runs", "100"], 2, "--runs needs --branch"),
        (["report", str(save), "--branch", "RU:answer_request=peacekeeping,requester=KG@2010-06-14", "--runs", "0"], 2,
         "--runs must be between 1 and 1,000,000"),
    ]
    for argv, want, says in cases:
        code, out, err = _run(capsys, *argv)
        assert code == want and says in err, (argv, code, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and out == "", argv


def test_many_runs_what_if_is_in_the_report_with_the_batches_figures(osh, tmp_path, capsys):
    """`report SAVE --branch CHANGE --runs N` (and the debrief's What if? Many runs, "Add to the report") adds
    the change played N times with and without it: the body's outcome shares, troops, decisive reasons,
    the quantiles and the histograms, each equal to the batches' own figures."""
    from game.many_runs import change_of_force, play, plan, summarise
    save, _, lg = osh
    change = "RU:answer_request=peacekeeping,requester=KG@2010-06-13"      # Russia answered on 13 June in this game
    runs = 120
    p = plan(lg.game, str(save), change_of_force(change, lg.game.world, "What if Russia had sent peacekeepers?"), runs,
             seed=lg.game.seed)
    without, with_ = play(p)
    view = summarise(lg.game, p, without, with_)
    assert view.body == "RU" and view.turn == 4 and view.runs == runs and view.applied == 1 and not view.refusals
    assert view.troops == (without.troops_share().get("RU", 0.0), with_.troops_share()["RU"]) and view.troops[1] > \
        view.troops[0]
    shares = {o: (a, b) for o, a, b in view.shares}
    assert shares["peacekeeping"][1] == with_.outcome_shares()["RU"]["peacekeeping"] > 0
    assert abs(sum(a for a, _ in shares.values()) - 1) < 1e-3 and abs(sum(b for _, b in shares.values()) - 1) < 1e-3
    deaths = view.figures[0]
    assert deaths.key == "deaths" and list(deaths.quantiles_with) == with_.quantiles("deaths")
    assert abs(sum(deaths.without) - 1) < 1e-9 and deaths.edges[0] <= min(without.figure("deaths").min(), deaths.this_game)

    page = render_html(build_report(lg.game, many_runs=view))
    text = _text(page)
    assert "What if? In many runs" in text and "What if Russia had sent peacekeepers?" in text and change in text
    assert f"played {runs:,} times with the change and {runs:,} times without it" in text
    pk = round(100 * shares["peacekeeping"][1])
    assert re.search(rf"peacekeeping (—|\d+%) {pk}%", text), "the outcome table holds the batch's share"
    assert page.count("<svg") >= 6                 # the game's four charts and the two histograms
    md = render_markdown(build_report(lg.game, many_runs=view))
    assert "## What if? In many runs" in md and "Share of runs in each range" in md

    out = tmp_path / "runs.md"
    code, _, err = _run(capsys, "report", str(save), "--branch", change, "--runs", str(runs), "--out", str(out))
    assert code == 0, err
    cli_md = out.read_text(encoding="utf-8")
    assert "## What if? In many runs" in cli_md and f"| peacekeeping | " in cli_md
    # the same runs as above (the same save, seed and change): the same table
    section = cli_md[cli_md.index("## What if? In many runs"):]
    assert f"| troops sent | {'—' if not view.troops[0] else f'{view.troops[0]:.0%}'} | {view.troops[1]:.0%} |" in section

    # a change that this game no longer allows on that day is said, with the reason, not passed over
    late = plan(lg.game, str(save), "RU:answer_request=peacekeeping,requester=KG@2010-06-15", 40, seed=lg.game.seed)
    v2 = summarise(lg.game, late, *play(late))
    assert v2.applied == 0 and v2.refusals and v2.refusals[0][1] == 1.0
    assert "The change could be made in 0% of the runs only" in _text(render_html(build_report(lg.game, many_runs=v2)))
