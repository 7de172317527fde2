"""No mart carries a PII column (python_udfs.cli.pii_scan over the built demo), and the scan catches one."""

from __future__ import annotations

import duckdb
import pytest

from python_udfs.cli.pii_scan import ALLOWED, main, mart_names, pii_columns, pii_kind, scan_duckdb

PII = {"email": "e-mail", "customer_email": "e-mail", "e_mail_address": "e-mail", "full_name": "name",
       "first_name": "name", "lastname": "name", "surname": "name", "name": "name", "contact_name": "name",
       "phone": "phone", "mobile_phone_number": "phone", "msisdn": "phone", "street_address": "address",
       "address_line_1": "address", "postcode": "address", "zip_code": "address", "birth_date": "birth date",
       "birth_year": "birth date", "date_of_birth": "birth date", "dob": "birth date"}
NOT_PII = ["segment_name", "generated_name", "feature_display_name", "from_segment_name", "customer_id",
           "external_id", "channel", "city", "country", "model_version", "rfm_label_mix", "mailbox_count_total"]


@pytest.mark.parametrize("column, kind", sorted(PII.items()))
def test_pii_names_are_recognised(column, kind):
    assert pii_kind(column) == kind
    assert pii_kind(column.upper()) == kind


@pytest.mark.parametrize("column", NOT_PII)
def test_ordinary_names_are_not_pii(column):
    assert pii_kind(column) is None


def test_the_hashed_email_is_allowed_in_the_export_only():
    assert pii_columns([("segment_export", "email_sha256")]) == []
    assert pii_columns([("segment_profiles", "email_sha256")]) == [("segment_profiles", "email_sha256", "e-mail")]


def test_no_mart_of_the_demo_build_has_a_pii_column(demo_build):
    marts = mart_names(demo_build.target_dir / "manifest.json")
    assert {"customer_segments", "segment_profiles", "segment_export", "segment_membership_history",
            "segment_transitions", "customer_features"} <= set(marts)
    assert not {"int_customers_cleaned", "stg_raw__customers"} & set(marts)
    assert scan_duckdb(demo_build.database, marts) == []
    # the scan does read the export: without the allowance its hashed e-mail is reported
    with duckdb.connect(str(demo_build.database), read_only=True) as connection:
        columns = connection.execute("select table_name, column_name from information_schema.columns "
                                     "where list_contains(?, table_name)", [marts]).fetchall()
    assert pii_columns(columns, allowed=set()) == [("segment_export", "email_sha256", "e-mail")]
    assert ALLOWED == {("segment_export", "email_sha256")}


def test_a_pii_column_added_to_a_mart_fails_the_scan(demo_build, tmp_path, capsys):
    database, manifest = tmp_path / "marts.duckdb", str(demo_build.target_dir / "manifest.json")
    with duckdb.connect(str(database)) as connection:
        connection.execute("attach ? as demo (read_only)", [str(demo_build.database)])
        connection.execute("create table segment_profiles as select * from demo.segment_profiles")
        connection.execute("create table segment_export as select * from demo.segment_export")
    assert main([str(database), manifest]) == 0
    with duckdb.connect(str(database)) as connection:
        connection.execute("alter table segment_profiles add column contact_phone varchar")
        connection.execute("alter table segment_export add column first_name varchar")
    capsys.readouterr()
    assert main([str(database), manifest]) == 1
    printed = capsys.readouterr().out
    assert "segment_profiles.contact_phone: looks like phone" in printed
    assert "segment_export.first_name: looks like name" in printed
