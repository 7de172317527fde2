"""The experiments var: every experiment read as its fields' types, or stopped with the message naming the fix
(python_udfs.settings_schema.check_experiments; the macro experiments makes the same checks with the same words)."""

import datetime

import pytest

from python_udfs.settings_schema import SettingsError, check_experiments

pytestmark = pytest.mark.unit

WINBACK = {"name": "winback_q4", "holdout_share": 0.1, "start_date": "2025-10-01", "end_date": "2025-11-30"}


def test_experiments_are_read_as_their_types():
    assert check_experiments([WINBACK]) == ({
        "name": "winback_q4", "holdout_share": 0.1,
        "start_date": datetime.date(2025, 10, 1), "end_date": datetime.date(2025, 11, 30)},)
    assert check_experiments([]) == () and check_experiments(None) == ()
    # one experiment written as a mapping, YAML dates, a one-day window, the text --vars gives
    one_day = {**WINBACK, "start_date": datetime.date(2025, 10, 1), "end_date": datetime.date(2025, 10, 1)}
    assert check_experiments(one_day)[0]["end_date"] == datetime.date(2025, 10, 1)
    text = '[{name: a1, holdout_share: 0.5, start_date: "2025-01-01", end_date: "2025-02-01"}]'
    assert check_experiments(text)[0]["name"] == "a1"


@pytest.mark.parametrize("value, message", [
    (["winback"], 'experiments lists "winback", which is not an experiment'),
    ([{**WINBACK, "name": "Winback Q4"}], 'experiment name "Winback Q4" is not a name'),
    ([{**WINBACK, "name": "x'; drop table t"}], "is not a name: use lower-case letters"),
    ([{**WINBACK, "share": 0.1}], "experiment winback_q4 has fields ['end_date', 'holdout_share', 'name', 'share', "
                                  "'start_date']: give exactly name, holdout_share, start_date and end_date."),
    ([{**WINBACK, "holdout_share": 0}], "experiment winback_q4 has holdout_share 0: set it to a share above 0"),
    ([{**WINBACK, "holdout_share": 1}], "has holdout_share 1: set it to a share above 0 and below 1"),
    ([{**WINBACK, "holdout_share": "0.1"}], 'has holdout_share "0.1"'),
    ([{**WINBACK, "holdout_share": True}], "has holdout_share True"),
    ([{**WINBACK, "start_date": "2025-02-30"}], 'experiment winback_q4 has start_date "2025-02-30": set it to a date'),
    ([{**WINBACK, "end_date": "30/11/2025"}], 'has end_date "30/11/2025"'),
    ([{**WINBACK, "start_date": "2025-12-01"}], "experiment winback_q4 starts 2025-12-01, after it ends (2025-11-30): "
                                                "set start_date on or before end_date."),
    ([WINBACK, {**WINBACK, "holdout_share": 0.2}], "experiments names ['winback_q4'] more than once"),
])
def test_bad_experiments_stop_with_the_fix(value, message):
    with pytest.raises(SettingsError) as error:
        check_experiments(value)
    assert message in str(error.value)
