"""Related papers: the day's most upvoted, and the topic's papers nearest in time."""

import datetime as dt

from paperarchive.related import DEFAULT_LIMIT, Entry, related_papers

D = dt.date


def test_more_from_this_day_is_the_days_top_papers_without_the_paper_itself():
    entries = [Entry(f"p{i}", D(2026, 1, 5), upvotes=i) for i in range(10)]
    entries.append(Entry("other-day", D(2026, 1, 6), upvotes=100))
    related = related_papers(entries, limit=3)
    assert related["p0"].same_day == ("p9", "p8", "p7")
    assert related["p9"].same_day == ("p8", "p7", "p6")
    assert related["other-day"].same_day == ()


def test_more_on_this_topic_walks_outwards_in_time_and_skips_the_same_day():
    entries = [
        Entry("jan1", D(2026, 1, 1), 1, ("rl",)),
        Entry("jan3", D(2026, 1, 3), 1, ("rl", "llm")),
        Entry("jan5", D(2026, 1, 5), 5, ("rl",)),
        Entry("jan5b", D(2026, 1, 5), 9, ("rl",)),
        Entry("jan6", D(2026, 1, 6), 1, ("rl",)),
        Entry("mar1", D(2026, 3, 1), 50, ("rl",)),
        Entry("llm-only", D(2026, 1, 5), 3, ("llm",)),
    ]
    related = related_papers(entries, limit=3)
    assert related["jan5"].topic == "rl"
    assert related["jan5"].same_topic == ("jan6", "jan3", "jan1")
    assert related["mar1"].same_topic == ("jan6", "jan5b", "jan5")
    assert related["jan3"].topic == "rl"  # the first topic listed
    assert related["llm-only"].same_topic == ("jan3",)


def test_papers_without_topics_get_no_topic_list():
    related = related_papers([Entry("a", D(2026, 1, 1), 0)])
    assert related["a"].topic is None and related["a"].same_topic == ()


def test_result_does_not_depend_on_input_order():
    entries = [Entry(f"p{i}", D(2026, 1, 1 + i % 4), i % 3, ("t",)) for i in range(20)]
    assert related_papers(entries) == related_papers(list(reversed(entries)))


def test_large_archive_in_one_pass():
    # 20,000 papers over 400 days in 10 topics: linearithmic, so this stays instant.
    entries = [
        Entry(f"p{i}", D(2024, 1, 1) + dt.timedelta(days=i % 400), i % 97, (f"t{i % 10}",))
        for i in range(20_000)
    ]
    related = related_papers(entries)
    assert len(related) == 20_000
    assert all(len(r.same_day) == DEFAULT_LIMIT and len(r.same_topic) == DEFAULT_LIMIT
               for r in related.values())
