from __future__ import annotations

import datetime as dt

from ckanext.socle.clauses import diff, schedule

D = dt.date


def row(**kw):
    return {"frequency": "monthly", "first_delivery": "J+30", **kw}


def test_due_dates_follow_the_frequency_until_the_end():
    dues = schedule.due_dates(row(), "2027-01-01", "2027-06-30")
    assert dues == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30),
                    D(2027, 5, 31), D(2027, 6, 30)]
    assert schedule.due_dates(row(frequency="yearly", first_delivery="2027-06-30"),
                              "2027-01-01", "2029-12-31") == [D(2027, 6, 30), D(2028, 6, 30),
                                                              D(2029, 6, 30)]
    assert schedule.due_dates(row(frequency="end_of_contract"), "2027-01-01", "2029-12-31") == \
        [D(2029, 12, 31)]
    assert schedule.due_dates(row(frequency="weekly", first_delivery="2027-01-04"), None,
                              "2027-01-25") == [D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18),
                                                D(2027, 1, 25)]
    assert schedule.due_dates(row(), None, None) == []          # J+30 without a start date
    assert len(schedule.due_dates(row(frequency="daily", first_delivery="2027-01-01"),
                                  None, "2099-12-31")) == schedule.MAX_DUES


def test_situation():
    start, end = "2027-01-01", "2027-12-31"
    assert schedule.situation(row(), start, end, D(2027, 1, 10), None, False)["state"] == "a_venir"
    late = schedule.situation(row(), start, end, D(2027, 3, 5), D(2027, 1, 20), True)
    assert late == {"state": "en_retard", "last_due": D(2027, 2, 28), "next_due": D(2027, 3, 31)}
    assert schedule.situation(row(), start, end, D(2027, 3, 5), D(2027, 3, 1), True)["state"] == \
        "livre"
    assert schedule.situation(row(), start, end, D(2027, 3, 5), None, False)["state"] == \
        "en_retard"
    assert schedule.situation(row(frequency="realtime"), start, end, D(2027, 3, 5),
                              D(2027, 1, 1), True)["state"] == "livre"
    assert schedule.situation(row(), None, None, D(2027, 3, 5), None, True)["state"] == "inconnu"


def test_body_and_variables_diff():
    lines = diff.body_diff("a\nb\nc", "a\nB\nc\nd")
    assert [(x["op"], x["text"]) for x in lines] == [
        ("equal", "a"), ("delete", "b"), ("insert", "B"), ("equal", "c"), ("insert", "d")]
    assert diff.stats(lines) == {"inserted": 2, "deleted": 1}
    changes = diff.variables_diff([{"name": "a", "label": "A"}, {"name": "b", "label": "B"}],
                                  [{"name": "a", "label": "A2"}, {"name": "c", "label": "C"}])
    assert [v["name"] for v in changes["added"]] == ["c"]
    assert [v["name"] for v in changes["removed"]] == ["b"]
    assert changes["changed"][0]["after"]["label"] == "A2"
