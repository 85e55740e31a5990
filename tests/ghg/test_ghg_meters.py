"""Meter series (tancert/ghg/meterseries.py, meterchecks.py): hand-computed small series — clean, month mismatch,
gap, flat-line, lapsed calibration — hostile files, and the CLI round trip (docs/ghg.md, "Meter series")."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ghg_helpers import FULL_REVIEW, ds, rec

from tancert.ghg import (
    InputError,
    MeterOptions,
    calculate,
    check_series,
    meterseries,
    read_series,
    run_checks,
)
from tancert.ghg.cli import main
from tancert.ghg.example import example_dataset
from tancert.ghg.meterexample import write_example_series

METERS = [{"meter_id": "M1", "accuracy_pct": 1, "calibrated_on": "2023-06-01", "valid_until": "2024-12-31"},
          {"meter_id": "M2", "accuracy_pct": 1, "calibrated_on": "2023-01-01", "valid_until": "2024-01-15"}]


def dataset(*records):
    return ds(*records, meters=METERS, settings={"base_year": 2023})


def row(period="2024-01", quantity=1488, meter="M1", unit="Nm3", **kw):
    return rec(period=period, quantity=quantity, unit=unit, meter_id=meter, crosscheck_quantity=quantity,
               **FULL_REVIEW, **kw)


def hours(start, end, step="h"):
    return np.arange(np.datetime64(start), np.datetime64(end), np.timedelta64(1, step))


def write_csv(path, readings):
    lines = ["meter_id,timestamp,value,unit"] + [f"{m},{str(np.datetime64(t, 'm')).replace('T', ' ')},{v},{u}"
                                                   for m, t, v, u in readings]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cycle(meter, times, unit="Nm3"):
    """Values 1, 2, 3, 1, 2, 3 …: no flat-line; January 2024 hourly (744 readings) sums to 248 × 6 = 1488."""
    return [(meter, t, 1 + i % 3, unit) for i, t in enumerate(times)]


def run(tmp_path, readings, *records, options=None):
    inv = calculate(dataset(*records))
    f, _ = run_checks(inv)
    before = len(f.blocks)
    report = check_series(read_series(write_csv(tmp_path / "s.csv", readings)), inv, f, options)
    return report, [b for b in f.blocks[before:]]


def texts(blocks, rule=None):
    return [b.message for b in blocks if rule is None or b.rule == rule]


def test_clean_month_reconciles_and_finds_nothing(tmp_path):
    report, new = run(tmp_path, cycle("M1", hours("2024-01-01T00", "2024-02-01T00")), row())
    assert new == []
    (m,) = report["meters"]
    assert (m["meter_id"], m["unit"], m["interval_minutes"], m["readings"]) == ("M1", "Nm3", 60, 744)
    assert m["months"][0] | {"rows": None} == {
        "month": "2024-01", "readings": 744, "expected_readings": 744, "metered": 1488.0, "inventory": 1488.0,
        "difference": 0.0, "difference_pct": 0.0, "within_tolerance": True, "rows": None}


def test_month_off_beyond_tolerance_names_meter_month_values_and_difference(tmp_path):
    readings = cycle("M1", hours("2024-01-01T00", "2024-02-01T00"))
    report, new = run(tmp_path, readings, row(quantity=1530))
    (b,) = new
    assert (b.rule, b.severity, b.sheet) == ("R6.2-crosscheck", "blocking", "活动数据 Activity")
    # 1530 − 1488 = +42; 42 / 1488 = 2.82 %
    assert b.message == ("meter M1, 2024-01: inventory 1,530 Nm3 vs metered 1,488 Nm3, difference +42 Nm3 "
                         "(2.82 %; tolerance 2 %)")
    assert "计量器具 M1，2024-01：清单 1,530 Nm3，计量 1,488 Nm3，差值 +42 Nm3" in b.message_zh
    # the same month within a 3 % tolerance, and the series in another unit of the same dimension
    ten_k = [(m, t, v / 1e4, "10^4Nm3") for m, t, v, _ in readings]
    _, new = run(tmp_path, ten_k, row(quantity=1530), options=MeterOptions(tolerance_pct=3))
    assert new == []


def test_gap_is_flagged_with_its_span_and_a_short_one_is_not(tmp_path):
    times = hours("2024-01-01T00", "2024-02-01T00")
    drop = ((times >= np.datetime64("2024-01-10T06")) & (times < np.datetime64("2024-01-10T12"))) | (
        (times >= np.datetime64("2024-01-20T00")) & (times < np.datetime64("2024-01-20T03")))  # 6 and 3 missing
    readings = [r for r, d in zip(cycle("M1", times), drop, strict=True) if not d]
    report, new = run(tmp_path, readings, row(quantity=sum(v for _, _, v, _ in readings)))
    (b,) = new
    assert (b.rule, b.severity) == ("R6.2-review", "warning")
    assert b.message == ("meter M1: no readings from 2024-01-10 06:00 to 2024-01-10 12:00 (6 intervals missing); "
                         "state how the missing data were handled")
    assert b.rows.tolist() == [9 * 24 + 6 + 2]  # the first reading after the gap: 222 readings before, header row 1
    m = report["meters"][0]
    assert (m["gaps"], m["missing_intervals"], m["months"][0]["readings"]) == (1, 6, 735)


def test_flat_line_at_the_threshold_and_below(tmp_path):
    times = hours("2024-01-01T00", "2024-01-02T00", "m")[::15]  # 96 quarter-hours
    vals = [1 + i % 3 for i in range(96)]
    vals[10:30] = [7] * 20  # 20 equal readings: flagged (≥ 16)
    vals[50:65] = [5] * 15  # 15: not
    readings = [("M1", t, v, "Nm3") for t, v in zip(times, vals, strict=True)]
    report, new = run(tmp_path, readings, row(quantity=2 * sum(vals), period="2024-01"))
    flat = [b for b in new if b.rule == "R6.2-calibration"]
    assert [b.message for b in flat] == [
        "meter M1: the same value 7 Nm3 in 20 consecutive intervals from 2024-01-01 02:30 to 2024-01-01 07:30 "
        "(a stuck register or a copied value?)"]
    assert flat[0].rows.tolist() == [12] and report["meters"][0]["interval_minutes"] == 15
    # January has 2,976 quarter-hours; a month off tolerance names the readings present when some are missing
    (x,) = texts(new, "R6.2-crosscheck")
    assert x.endswith("(100.00 %; tolerance 2 %); 96 of 2976 readings")


def test_readings_after_the_calibration_lapsed_are_blocking(tmp_path):
    readings = cycle("M2", hours("2024-01-01T00", "2024-02-01T00"))
    report, new = run(tmp_path, readings, row(meter="M2"))
    (b,) = [b for b in new if b.rule == "R6.2-calibration"]
    assert b.severity == "blocking" and b.rows.tolist() == [15 * 24 + 2]
    # valid through 2024-01-15: 16 days × 24 readings after, of 1, 2, 3 … (128 cycles of 6 = 768)
    assert b.message == ("meter M2: 384 readings from 2024-01-16 00:00 to 2024-02-01 00:00 (768 Nm3) taken while its "
                         "calibration had lapsed (valid 2023-01-01 – 2024-01-15)")
    assert report["meters"][0]["lapsed_readings"] == 384


def test_metered_month_without_a_record_and_periods_outside_the_series(tmp_path):
    readings = cycle("M1", hours("2024-01-01T00", "2024-03-01T00"))
    report, new = run(tmp_path, readings, row(), row(period="2023-12", quantity=5))
    assert texts(new) == ["meter M1, 2024-02: metered 1,392 Nm3 but no inventory record names the meter for this "
                          "month (missing, or booked under another meter?)"]
    assert report["meters"][0]["not_covered"] == ["2023-12"]


def test_parquet_with_utc_timestamps_gives_the_same_months(tmp_path):
    local = hours("2024-01-01T00", "2024-02-01T00")
    utc = (local - np.timedelta64(8, "h")).astype("datetime64[s]")
    vals = [1.0 + i % 3 for i in range(len(local))]
    table = pa.table({"meter_id": ["M1"] * len(local), "timestamp": pa.array(utc, pa.timestamp("s", tz="UTC")),
                      "value": vals, "unit": ["Nm3"] * len(local)})
    pq.write_table(table, tmp_path / "s.parquet")
    inv = calculate(dataset(row()))
    f, _ = run_checks(inv)
    report = check_series(read_series(tmp_path / "s.parquet"), inv, f)
    assert report["meters"][0]["months"][0]["metered"] == 1488.0 and report["meters"][0]["first"] == "2024-01-01 00:00"
    # a NaN in a Parquet file: its row (record number + 1, as in a CSV file)
    vals[4] = float("nan")
    pq.write_table(table.set_column(2, "value", pa.array(vals)), tmp_path / "nan.parquet")
    with pytest.raises(InputError) as exc:
        read_series(tmp_path / "nan.parquet")
    assert [(e.row, e.column) for e in exc.value.errors] == [(6, "value")]


# ----- hostile files: all or nothing, every problem located, English and Chinese

def errors_of(tmp_path, text, *, name="s.csv", inv=None, binary=False):
    p = tmp_path / name
    p.write_bytes(text) if binary else p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        s = read_series(p)
        check_series(s, calculate(inv or dataset(row())), run_checks(calculate(inv or dataset(row())))[0])
    return [(e.row, e.column, e.message, e.message_zh) for e in exc.value.errors]


def test_bad_numbers_timestamps_and_missing_cells_are_located(tmp_path):
    text = ("meter_id,timestamp,value,unit\n"
            "M1,2024-01-01 00:00,1,Nm3\n"
            "M1,2024-01-01 01:00,nan,Nm3\n"
            "M1,2024-13-01 02:00,1,Nm3\n"
            "M1,2024-01-01 03:00,inf,Nm3\n"
            "M1,yesterday,1,Nm3\n"
            "M1,2024-01-01 05:00,abc,Nm3\n"
            "M1,2024-01-01 06:00,-1,Nm3\n"
            ",2024-01-01 07:00,1,Nm3\n")
    errs = errors_of(tmp_path, text)
    got = {(r, c) for r, c, _, _ in errs}
    assert got == {(9, "meter_id"), (7, "value"), (4, "timestamp"), (6, "timestamp")}  # abc first: cast failed
    zh = {m for _, _, _, m in errs}
    assert "不是数字" in zh and any(m.startswith("不是有效的时间") for m in zh)
    nan_inf = errors_of(tmp_path, text.replace("abc", "2"))
    assert {(r, c) for r, c, _, _ in nan_inf} >= {(3, "value"), (5, "value"), (8, "value")}
    assert any("NaN 或无穷大不是读数" in m for _, _, _, m in nan_inf)


def test_unknown_meter_wrong_dimension_duplicates_and_intervals(tmp_path):
    head = "meter_id,timestamp,value,unit\n"
    (e,) = errors_of(tmp_path, head + "ZZ,2024-01-01 00:00,1,Nm3\nZZ,2024-01-01 01:00,1,Nm3\n")[:1]
    assert e[:2] == (2, "meter_id") and "unknown meter 'ZZ'" in e[2] and "未知的计量器具" in e[3]
    (e,) = errors_of(tmp_path, head + "M1,2024-01-01 00:00,1,kWh\nM1,2024-01-01 01:00,1,kWh\n")
    assert e[:2] == (2, "unit") and "measures energy, but the meter's records are in normal_volume" in e[2]
    (e,) = errors_of(tmp_path, head + "M1,2024-01-01 00:00,1,parsec\n")
    assert e[1] == "unit" and e[3].startswith("未知的单位")
    (e,) = errors_of(tmp_path, head + "M1,2024-01-01 00:00,1,Nm3\nM1,2024-01-01 01:00,1,Nm3\nM1,2024-01-01 00:00,2,Nm3\n")
    assert e[:2] == (4, "timestamp") and "second reading of meter M1 at 2024-01-01 00:00 (first: row 2)" in e[2]
    (e,) = errors_of(tmp_path, head + "M1,2024-01-01 00:00,1,Nm3\nM1,2024-01-01 00:30,1,Nm3\n")
    assert "readings 1800 s apart" in e[2]


def test_limits_shape_and_encoding(tmp_path, monkeypatch):
    head = "meter_id,timestamp,value,unit\n"
    ok = head + "M1,2024-01-01 00:00,1,Nm3\nM1,2024-01-01 01:00,1,Nm3\nM1,2024-01-01 02:00,1,Nm3\n"
    monkeypatch.setattr(meterseries, "MAX_READINGS", 2)
    assert "3 readings; the limit is 2" in errors_of(tmp_path, ok)[0][2]
    monkeypatch.setattr(meterseries, "MAX_BYTES", 10)
    assert "the limit is 0 MB" in errors_of(tmp_path, ok)[0][2]
    monkeypatch.undo()
    assert errors_of(tmp_path, head + "M1,2024-01-01 00:00,1,Nm3,extra\n")[0][:2] == (2, None)
    assert "缺少列 unit" in errors_of(tmp_path, "meter_id,timestamp,value\nM1,2024-01-01 00:00,1\n")[0][3]
    assert "not UTF-8" in errors_of(tmp_path, b"meter_id,timestamp,value,unit\nM\xff1,2024-01-01 00:00,1,Nm3\n",
                                    binary=True)[0][2]
    assert "use .csv or .parquet" in errors_of(tmp_path, ok, name="s.xlsx")[0][2]
    assert "not a readable Parquet" in errors_of(tmp_path, ok, name="s.parquet")[0][2]
    # Chinese headers above the keys (the template's layout): the rows keep their line numbers
    two = "计量器具编号,时间,读数,单位\n" + ok.replace("M1,2024-01-01 01:00,1", "M1,2024-01-01 01:00,x")
    assert errors_of(tmp_path, two)[0][:2] == (4, "value")


def test_cli_round_trip_with_the_example_series(tmp_path, capsys):
    p = tmp_path / "ex.json"
    p.write_text(json.dumps(example_dataset(), ensure_ascii=False), encoding="utf-8")
    s = write_example_series(tmp_path / "s.csv")
    assert main(["check", str(p), "--meters", str(s), "--json"]) == 2  # EM-02's lapsed calibration, as before
    out = json.loads(capsys.readouterr().out)
    fm, em = out["meters"]["meters"]
    assert (fm["meter_id"], fm["flat_lines"], fm["gaps"], em["meter_id"], em["gaps"]) == ("FM-01", 1, 0, "EM-01", 1)
    assert all(x["within_tolerance"] for x in fm["months"] + em["months"]) and len(em["months"]) == 12
    assert [x["month"] for x in fm["unbooked"]] == ["2024-11"] and em["unbooked"] == []
    assert out["meters"]["files"][0]["readings"] == 17562
    assert main(["check", str(p), "--meters", str(s), "--tolerance", "0.5"]) == 2
    text = capsys.readouterr().out
    assert "Meter series: s.csv (17,562 readings" in text and "2024-03: inventory 378,000 vs metered" in text
    bad = tmp_path / "bad.csv"
    bad.write_text("meter_id,timestamp,value,unit\nFM-01,2024-01-01 00:00,inf,Nm3\n", encoding="utf-8")
    assert main(["check", str(p), "--meters", str(bad), "--json", "--lang", "zh"]) == 1
    io = capsys.readouterr()
    assert json.loads(io.out)["errors"][0]["row"] == 2 and "工作表 bad.csv 第 2 行，列 value" in io.err
    assert main(["check", str(p), "--tolerance", "3"]) == 1  # a meter option without --meters
    assert main(["check", str(p), "--meters", str(s), "--freeze", str(tmp_path / "f.json")]) == 1


def test_two_files_are_one_series_and_errors_name_their_file(tmp_path):
    readings = cycle("M1", hours("2024-01-01T00", "2024-02-01T00"))
    a, b = write_csv(tmp_path / "a.csv", readings[:400]), write_csv(tmp_path / "b.csv", readings[400:])
    inv = calculate(dataset(row()))
    report = check_series(read_series([b, a]), inv, run_checks(inv)[0])
    assert [f["readings"] for f in report["files"]] == [344, 400] and report["meters"][0]["months"][0]["metered"] == 1488
    bad = readings[400:]
    bad[2] = ("M1", bad[2][1], "nan", "Nm3")
    with pytest.raises(InputError) as exc:
        read_series([a, write_csv(tmp_path / "c.csv", bad)])
    assert [(e.sheet, e.row) for e in exc.value.errors] == [("c.csv", 4)]
    # a duplicate across the files: the second file's row, the first file's row named
    with pytest.raises(InputError) as exc:
        check_series(read_series([a, write_csv(tmp_path / "d.csv", readings[399:])]), inv, run_checks(inv)[0])
    (e,) = exc.value.errors
    assert (e.sheet, e.row) == ("d.csv", 2) and "(first: a.csv row 401)" in e.message
