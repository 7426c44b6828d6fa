"""One UPDATE for many rows with different values, without Django's per-row expressions.

`QuerySet.bulk_update` builds a When() expression per row and field, which costs more
Python time than the database spends on the statement; ingest updates hundreds of
threads per batch. This writes the same CASE statement directly.
"""

from collections.abc import Sequence

from django.db import connection, models


def bulk_update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    if not objs or not fields:
        return
    model = type(objs[0])
    quote = connection.ops.quote_name
    pk_column = quote(model._meta.pk.column)
    # PostgreSQL types CASE branches from their values; parameters need a cast.
    typed = connection.vendor == "postgresql"
    assignments, params = [], []
    for name in fields:
        field = model._meta.get_field(name)
        placeholder = f"CAST(%s AS {field.db_type(connection)})" if typed else "%s"
        branches = []
        for obj in objs:
            branches.append(f"WHEN %s THEN {placeholder}")
            params += [obj.pk, field.get_db_prep_save(getattr(obj, field.attname), connection)]
        assignments.append(f"{quote(field.column)} = CASE {pk_column} {' '.join(branches)} END")
    ids = [obj.pk for obj in objs]
    # Identifiers come quoted from the model's metadata; every value is a parameter.
    table, marks = quote(model._meta.db_table), ", ".join(["%s"] * len(ids))
    sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk_column} IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
