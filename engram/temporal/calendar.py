"""Proleptic Gregorian calendar arithmetic on epoch days, for years far beyond `datetime`.

Every date is an *epoch day*: the number of days since 1970-01-01 (negative before it).
The functions here are pure integer arithmetic, valid for any year (Python integers do
not overflow); the supported range of the temporal types, years -999,999,999 to
999,999,999 as in the openCypher TCK, is enforced by the value constructors.

Weeks follow ISO 8601: weeks start on Monday (day 1) and week 1 of a week-based year is
the week containing January 4.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "MAX_EPOCH_DAY",
    "MAX_YEAR",
    "MIN_EPOCH_DAY",
    "MIN_YEAR",
    "NANOS_PER_DAY",
    "NANOS_PER_SECOND",
    "SECONDS_PER_DAY",
    "civil_from_days",
    "day_of_week",
    "days_from_civil",
    "days_in_month",
    "days_in_quarter",
    "days_in_year",
    "is_leap_year",
    "iso_week_date",
    "java_div",
    "java_mod",
    "plus_months",
    "quarter_start",
    "week_one_monday",
    "weeks_in_year",
]

MIN_YEAR: Final = -999_999_999
MAX_YEAR: Final = 999_999_999
NANOS_PER_SECOND: Final = 1_000_000_000
SECONDS_PER_DAY: Final = 86_400
NANOS_PER_DAY: Final = SECONDS_PER_DAY * NANOS_PER_SECOND

_DAYS_PER_ERA: Final = 146_097  # 400 Gregorian years
_DAYS_0000_TO_1970: Final = 719_468  # from 0000-03-01 to 1970-01-01


def days_from_civil(year: int, month: int, day: int) -> int:
    """Epoch day of a calendar date (month 1-12; day not validated)."""
    shifted_year = year - 1 if month <= 2 else year
    era = shifted_year // 400
    year_of_era = shifted_year - era * 400
    month_from_march = (month + 9) % 12
    day_of_year = (153 * month_from_march + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * _DAYS_PER_ERA + day_of_era - _DAYS_0000_TO_1970


def civil_from_days(epoch_day: int) -> tuple[int, int, int]:
    """(year, month, day) of an epoch day."""
    shifted = epoch_day + _DAYS_0000_TO_1970
    era = shifted // _DAYS_PER_ERA
    day_of_era = shifted - era * _DAYS_PER_ERA
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = month_from_march + 3 if month_from_march < 10 else month_from_march - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def is_leap_year(year: int) -> bool:
    """Whether `year` has 366 days (year 0 is a leap year)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_year(year: int) -> int:
    """365 or 366."""
    return 366 if is_leap_year(year) else 365


_MONTH_LENGTHS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Number of days in `month` (1-12) of `year`."""
    if month == 2 and is_leap_year(year):
        return 29
    return _MONTH_LENGTHS[month - 1]


def quarter_start(year: int, quarter: int) -> int:
    """Epoch day of the first day of `quarter` (1-4) of `year`."""
    return days_from_civil(year, 3 * (quarter - 1) + 1, 1)


def days_in_quarter(year: int, quarter: int) -> int:
    """90, 91 or 92."""
    end = days_from_civil(year + 1, 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)
    return end - quarter_start(year, quarter)


def day_of_week(epoch_day: int) -> int:
    """ISO day of week: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday)."""
    return (epoch_day + 3) % 7 + 1


def week_one_monday(week_year: int) -> int:
    """Epoch day of the Monday that starts week 1 of a week-based year."""
    january_4 = days_from_civil(week_year, 1, 4)
    return january_4 - day_of_week(january_4) + 1


def weeks_in_year(week_year: int) -> int:
    """52 or 53: the number of ISO weeks in a week-based year."""
    return (week_one_monday(week_year + 1) - week_one_monday(week_year)) // 7


def iso_week_date(epoch_day: int) -> tuple[int, int, int]:
    """(week-based year, week 1-53, day of week 1-7) of an epoch day."""
    year = civil_from_days(epoch_day)[0]
    if epoch_day >= week_one_monday(year + 1):
        week_year = year + 1
    elif epoch_day >= week_one_monday(year):
        week_year = year
    else:
        week_year = year - 1
    week = (epoch_day - week_one_monday(week_year)) // 7 + 1
    return week_year, week, day_of_week(epoch_day)


def plus_months(year: int, month: int, day: int, months: int) -> tuple[int, int, int]:
    """Add months to a calendar date, clamping the day to the length of the new month."""
    total = year * 12 + (month - 1) + months
    new_year, new_month0 = divmod(total, 12)
    new_month = new_month0 + 1
    return new_year, new_month, min(day, days_in_month(new_year, new_month))


def java_div(numerator: int, denominator: int) -> int:
    """Integer division truncating toward zero, as Cypher's component arithmetic does."""
    quotient = abs(numerator) // abs(denominator)
    return quotient if (numerator >= 0) == (denominator > 0) else -quotient


def java_mod(numerator: int, denominator: int) -> int:
    """Remainder with the sign of the numerator (pairs with `java_div`)."""
    return numerator - denominator * java_div(numerator, denominator)


MIN_EPOCH_DAY: Final = days_from_civil(MIN_YEAR, 1, 1)
MAX_EPOCH_DAY: Final = days_from_civil(MAX_YEAR, 12, 31)
