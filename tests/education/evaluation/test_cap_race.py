"""Two gradings at once cannot both take the last place under the cap on 优秀 (MISSION.md,
"Democratic evaluation": 优秀 generally at most one third of members): the grading action locks
the branch's row before counting."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from education.evaluation.actions import do_grade_member
from education.models import Evaluation, Grade
from tests.education.evaluation.test_rules import GRADED_ON, YEAR, branch_of


@pytest.mark.django_db(transaction=True, available_apps=settings.INSTALLED_APPS)
def test_two_gradings_at_once_one_takes_the_last_place(tree, secretary, committee):
    people = branch_of(3, tree.a1)  # a cap of one
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(label, actor, member):
        try:
            barrier.wait(timeout=10)
            do_grade_member(
                actor=actor, member=member, year=YEAR, grade=Grade.EXCELLENT, graded_on=GRADED_ON
            )
            outcomes[label] = "ok"
        except ValidationError as exc:
            outcomes[label] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("secretary", secretary, people[0])),
        threading.Thread(target=attempt, args=("committee", committee, people[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["committee", "secretary"]
    assert list(outcomes.values()).count("ok") == 1
    assert Evaluation.objects.filter(grade=Grade.EXCELLENT).count() == 1
