"""The association score and trending rule, on numbers worked out by hand."""

from __future__ import annotations

import math

from marsad.analytics.related import log_likelihood


def test_log_likelihood_is_zero_for_independent_entities():
    # 10 of 100 articles name X, 20 name Y, 2 name both: exactly what chance predicts
    assert math.isclose(log_likelihood(2, 8, 18, 72), 0.0, abs_tol=1e-9)


def test_log_likelihood_grows_with_association():
    weak = log_likelihood(4, 6, 16, 74)
    strong = log_likelihood(9, 1, 11, 79)
    assert 0 < weak < strong


def test_big_country_does_not_outrank_a_specific_partner():
    # X in 50 of 1000 articles; a country in 600 (shares 35), a counterpart in 40 (shares 30)
    country = log_likelihood(35, 15, 565, 385)
    partner = log_likelihood(30, 20, 10, 940)
    assert partner > country
