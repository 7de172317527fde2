{#- The timestamp forms the cleaning models recognise without being told, tried in this order after the
    timestamp_formats var's own formats. Each is a regular expression over the value after clean_text
    and lower() and the label the build log, the source_timestamp_formats mart and the quarantine show:
      iso_8601            2024-01-31, 2024-01-31 10:00[:00[.123]], T or space, with Z, UTC, GMT or an
                          offset (+02, +0200, +02:00); no zone is read as UTC
      yyyymmdd            20240131 (8 digits that make a real date)
      yyyymmddhhmmss      20240131100000 (14 digits that make a real time)
      epoch_seconds       1 to 11 digits (unix seconds, up to the year 5138)
      epoch_milliseconds  12 or 13 digits (unix milliseconds; read to the second)
      day_month_year      D/M/YYYY or M/D/YYYY with /, . or - and an optional H:MM[:SS] [am|pm]: day
                          first or month first is decided per source (day_month_order), never guessed
      year_month_day      YYYY/M/D or YYYY.M.D with an optional H:MM[:SS]
    Named zones (CET, PST) are not read: such a value is unparseable_timestamp. -#}
{% macro timestamp_forms() %}
    {%- set time = '(?:[t ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?' -%}
    {{ return({
        'iso_8601': {'label': 'ISO 8601',
            'pattern': '^([0-9]{4})-([0-9]{2})-([0-9]{2})'
                       ~ '(?:[t ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?)?'
                       ~ ' ?(z|utc|gmt|[+-][0-9]{2}(?::?[0-9]{2})?)?$'},
        'yyyymmdd': {'label': 'YYYYMMDD', 'pattern': '^[0-9]{8}$'},
        'yyyymmddhhmmss': {'label': 'YYYYMMDDHHMMSS', 'pattern': '^[0-9]{14}$'},
        'epoch_seconds': {'label': 'epoch seconds', 'pattern': '^-?[0-9]{1,11}$'},
        'epoch_milliseconds': {'label': 'epoch milliseconds', 'pattern': '^-?[0-9]{12,13}$'},
        'day_month_year': {'label': 'D/M/YYYY',
            'pattern': '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})' ~ time ~ '(?: ?(am|pm))?)?$'},
        'year_month_day': {'label': 'YYYY/M/D',
            'pattern': '^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})' ~ time ~ ')?$'},
    }) }}
{% endmacro %}
