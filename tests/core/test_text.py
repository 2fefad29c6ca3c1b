from voting.core.text import natural_key


def test_names_sort_as_people_expect() -> None:
    names = ["Member 12", "member 2", "Member 1", "Émile", "Emma", "Section 10", "Section 9"]
    assert sorted(names, key=natural_key) == [
        "Émile",
        "Emma",
        "Member 1",
        "member 2",
        "Member 12",
        "Section 9",
        "Section 10",
    ]
    assert sorted(["b", "a10", "a9"], key=natural_key) == ["a9", "a10", "b"]
