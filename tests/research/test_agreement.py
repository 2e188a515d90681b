"""Agreement figures on hand-computed cases (sessions/agreement.py, pure)."""

import numpy as np
import pytest

from sessions.agreement import NoteCodings, agreement, figures


def ratings(both, first_only, second_only, neither):
    first = [1] * both + [1] * first_only + [0] * second_only + [0] * neither
    second = [1] * both + [0] * first_only + [1] * second_only + [0] * neither
    return np.array(first, bool), np.array(second, bool)


def test_perfect_agreement_gives_one_everywhere():
    result = figures(*ratings(30, 0, 0, 70))
    assert (
        result.percent == 1
        and result.kappa == pytest.approx(1)
        and result.alpha == pytest.approx(1)
    )


def test_the_textbook_kappa_case():
    # 50 units: both yes 20, only the first 5, only the second 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7-0.5)/0.5 = 0.4.
    # Alpha (nominal, two coders): n = 100 values, n_1 = 55, n_0 = 45, o_01 = 15:
    # alpha = 1 - (n-1) * o_01 / (n_0 * n_1) = 1 - 99*15/2475 = 0.4.
    result = figures(*ratings(20, 5, 10, 15))
    assert result.percent == pytest.approx(0.7)
    assert result.kappa == pytest.approx(0.4)
    assert result.alpha == pytest.approx(0.4)
    assert (result.both, result.first_only, result.second_only, result.neither) == (20, 5, 10, 15)


def test_complete_disagreement_on_a_balanced_case():
    # p_o = 0, p_e = 0.5: kappa = -1. alpha = 1 - 3*2/(2*2) = -0.5 (n = 4, o_01 = 2).
    result = figures(*ratings(0, 1, 1, 0))
    assert result.percent == 0
    assert result.kappa == pytest.approx(-1)
    assert result.alpha == pytest.approx(-0.5)


def test_no_variation_leaves_kappa_and_alpha_undefined():
    result = figures(*ratings(0, 0, 0, 10))
    assert result.percent == 1 and result.kappa is None and result.alpha is None


def test_uncoded_text_counts_only_in_the_with_figures():
    # A 100-character note. Both coders code 0-10 with "trust"; the first also 10-20
    # with "trust", the second 10-20 with "money". 80 characters are coded by nobody.
    note = NoteCodings(
        length=100,
        first=[("trust", 0, 10), ("trust", 10, 20)],
        second=[("trust", 0, 10), ("money", 10, 20)],
    )
    trust, money, overall = agreement([note], ["trust", "money"])
    assert trust.code == "trust" and overall.code is None
    # With uncoded text: 100 units, 10 both, 10 first only, 80 neither: 90 % agreement.
    assert trust.with_uncoded.units == 100
    assert trust.with_uncoded.percent == pytest.approx(0.9)
    # kappa: p_e = 0.2*0.1 + 0.8*0.9 = 0.74; (0.9-0.74)/0.26 = 0.6154
    assert trust.with_uncoded.kappa == pytest.approx(0.16 / 0.26)
    # Without: only the 20 coded characters: 10 both, 10 first only: 50 %.
    assert trust.without_uncoded.units == 20
    assert trust.without_uncoded.percent == pytest.approx(0.5)
    assert trust.without_uncoded.kappa == pytest.approx(0)  # p_e = 1*0.5 + 0 = 0.5
    # "money": only the second coder used it, on 10 characters.
    assert (money.without_uncoded.second_only, money.without_uncoded.both) == (10, 0)
    # Overall pools both codes' units.
    assert overall.with_uncoded.units == 200 and overall.without_uncoded.units == 40
    assert overall.without_uncoded.both == 10
    assert overall.without_uncoded.percent == pytest.approx(20 / 40)


def test_codings_run_over_several_notes_and_overlaps_count_once():
    notes = [
        NoteCodings(10, first=[("a", 0, 5), ("a", 3, 8)], second=[("a", 0, 8)]),
        NoteCodings(5, first=[], second=[]),
    ]
    row, overall = agreement(notes, ["a"])
    assert row.with_uncoded.units == 15 and row.with_uncoded.both == 8
    assert row.with_uncoded.percent == 1 and row.with_uncoded.kappa == pytest.approx(1)
    assert overall.with_uncoded == row.with_uncoded
