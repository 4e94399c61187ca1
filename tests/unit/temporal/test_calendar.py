"""Proleptic Gregorian arithmetic checked against Python's datetime and by round trips."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from engram.temporal.calendar import (
    MAX_EPOCH_DAY,
    MAX_YEAR,
    MIN_EPOCH_DAY,
    MIN_YEAR,
    civil_from_days,
    day_of_week,
    days_from_civil,
    days_in_quarter,
    days_in_year,
    is_leap_year,
    iso_week_date,
    java_div,
    java_mod,
    plus_months,
    week_one_monday,
    weeks_in_year,
)
from tests.unit.temporal.strategies import no_deadline

PYTHON_DAYS = st.integers(dt.date(1, 1, 1).toordinal(), dt.date(9999, 12, 31).toordinal())
ALL_DAYS = st.integers(MIN_EPOCH_DAY, MAX_EPOCH_DAY)


@no_deadline
@given(PYTHON_DAYS)
def test_agrees_with_python_inside_its_range(ordinal):
    python = dt.date.fromordinal(ordinal)
    epoch_day = ordinal - dt.date(1970, 1, 1).toordinal()
    assert civil_from_days(epoch_day) == (python.year, python.month, python.day)
    assert days_from_civil(python.year, python.month, python.day) == epoch_day
    assert day_of_week(epoch_day) == python.isoweekday()
    assert iso_week_date(epoch_day) == tuple(python.isocalendar())


@no_deadline
@given(ALL_DAYS)
def test_round_trip_over_the_whole_range(epoch_day):
    year, month, day = civil_from_days(epoch_day)
    assert MIN_YEAR <= year <= MAX_YEAR
    assert days_from_civil(year, month, day) == epoch_day
    week_year, week, weekday = iso_week_date(epoch_day)
    assert 1 <= week <= weeks_in_year(week_year)
    assert week_one_monday(week_year) + (week - 1) * 7 + weekday - 1 == epoch_day


@no_deadline
@given(st.integers(MIN_YEAR, MAX_YEAR))
def test_year_lengths(year):
    assert days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1) == days_in_year(year)
    assert sum(days_in_quarter(year, quarter) for quarter in range(1, 5)) == days_in_year(year)
    assert weeks_in_year(year) in (52, 53)


def test_leap_years():
    assert [is_leap_year(year) for year in (1900, 2000, 2004, 2023, 0, -4, -100)] == [
        False,
        True,
        True,
        False,
        True,
        True,
        False,
    ]


def test_month_addition_clamps():
    assert plus_months(2015, 1, 31, 1) == (2015, 2, 28)
    assert plus_months(2016, 1, 31, 1) == (2016, 2, 29)
    assert plus_months(2015, 3, 31, -13) == (2014, 2, 28)
    assert plus_months(0, 1, 15, -1) == (-1, 12, 15)


@no_deadline
@given(st.integers(-(10**12), 10**12), st.integers(-(10**6), 10**6).filter(bool))
def test_java_division_truncates_toward_zero(numerator, denominator):
    quotient, remainder = java_div(numerator, denominator), java_mod(numerator, denominator)
    assert quotient * denominator + remainder == numerator
    assert abs(remainder) < abs(denominator)
    assert remainder == 0 or (remainder > 0) == (numerator > 0)
