using System;
using System.Collections.Generic;
using System.Data.Common;
using AssetMeter.Collector.Registry;
using Npgsql;
using NpgsqlTypes;

namespace AssetMeter.Collector.Storage
{
    /// <summary>
    /// The same reads and writes as the single-row methods, for many rows at once: what the ingest writer and the
    /// supervisor use for a batch. Each gives the answer the single-row calls would give in order; only the cost
    /// differs. On SQLite (in-process, no round trip) a prepared statement runs once per row; on PostgreSQL, where a
    /// round trip costs more than the statement, the periods and statuses go in one multi-row statement
    /// (<c>unnest</c> of arrays) and everything else in one batch of statements sent together.
    /// </summary>
    public sealed partial class CollectorStore
    {
        /// <summary>The registrations of <paramref name="serials"/> that are registered.</summary>
        internal Dictionary<string, MeterRegistration> Meters(IReadOnlyCollection<string> serials)
        {
            var found = new Dictionary<string, MeterRegistration>(serials.Count, StringComparer.Ordinal);
            if (serials.Count == 0)
            {
                return found;
            }

            if (_connection is NpgsqlConnection)
            {
                foreach (MeterRegistration meter in QueryArray(MeterColumns + " WHERE serial = ANY(@serials)", ReadMeter, serials))
                {
                    found[meter.Serial] = meter;
                }

                return found;
            }

            foreach (List<MeterRegistration> one in QueryEach(MeterSql, ReadMeter, Rows(serials, serial => new (string, object?)[] { ("serial", serial) })))
            {
                foreach (MeterRegistration meter in one)
                {
                    found[meter.Serial] = meter;
                }
            }

            return found;
        }

        /// <summary>The latest status of each of <paramref name="serials"/> that has one.</summary>
        internal Dictionary<string, StoredStatus> Statuses(IReadOnlyCollection<string> serials)
        {
            var found = new Dictionary<string, StoredStatus>(serials.Count, StringComparer.Ordinal);
            if (serials.Count == 0)
            {
                return found;
            }

            if (_connection is NpgsqlConnection)
            {
                foreach (StoredStatus status in QueryArray(StatusColumns + " WHERE serial = ANY(@serials)", ReadStatus, serials))
                {
                    found[status.Serial] = status;
                }

                return found;
            }

            foreach (List<StoredStatus> one in QueryEach(StatusColumns + " WHERE serial = @serial", ReadStatus, Rows(serials, serial => new (string, object?)[] { ("serial", serial) })))
            {
                foreach (StoredStatus status in one)
                {
                    found[status.Serial] = status;
                }
            }

            return found;
        }

        /// <summary>Writes each meter's status (one per meter: the caller keeps only the last of a batch).</summary>
        internal void SetStatuses(IReadOnlyList<StoredStatus> statuses)
        {
            if (statuses.Count == 0)
            {
                return;
            }

            if (_connection is NpgsqlConnection)
            {
                ExecuteArrays(
                    "INSERT INTO meter_status (serial, online, clock, meter_utc, first_period, last_period, acknowledged, json, received_utc) "
                    + "SELECT * FROM unnest(@serial, @online, @clock, @utc, @first, @last, @ack, @json, @received) "
                    + "ON CONFLICT (serial) DO UPDATE SET online = excluded.online, clock = excluded.clock, meter_utc = excluded.meter_utc, first_period = excluded.first_period, last_period = excluded.last_period, acknowledged = excluded.acknowledged, json = excluded.json, received_utc = excluded.received_utc",
                    statuses.Count,
                    Rows(statuses, StatusRow));
                return;
            }

            ExecuteEach(SetStatusSql, Rows(statuses, StatusRow));
        }

        /// <summary>
        /// What is stored next to each key: periods index − 1, index and index + 1 of its meter, by (serial, index),
        /// the record itself only for the key's own index. What a new period is checked against (already stored?
        /// chained to its neighbours?).
        /// </summary>
        internal Dictionary<(string Serial, long Index), StoredNeighbour> PeriodsAround(IReadOnlyList<(string Serial, long Index)> keys)
        {
            var found = new Dictionary<(string, long), StoredNeighbour>(keys.Count * 2);
            if (keys.Count == 0)
            {
                return found;
            }

            if (_connection is NpgsqlConnection)
            {
                // One statement for the batch: each key (unnest) looked up in the periods' primary key, where a batch
                // of one statement per key cost the writer more than the insert. LATERAL with a LIMIT (a key has at
                // most three neighbours), which PostgreSQL cannot flatten into a plain join, so that it walks the
                // index once per key: as a join it chose to scan the whole table (150,000 rows a batch at 50,000
                // meters, before statistics were gathered).
                List<(string Serial, long Index, StoredNeighbour Period)> joined = QueryArrays(
                    "SELECT p.serial, p.period_index, p.import_start, p.import_end, p.export_start, p.export_end, CASE WHEN p.period_index = k.idx THEN p.record ELSE NULL END, p.received_utc "
                    + "FROM unnest(@serial, @index) AS k(serial, idx) CROSS JOIN LATERAL "
                    + "(SELECT * FROM periods WHERE periods.serial = k.serial AND periods.period_index >= k.idx - 1 AND periods.period_index <= k.idx + 1 LIMIT 3) p",
                    r => (r.GetString(0), r.GetInt64(1), new StoredNeighbour(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), UtcText.Parse(r.GetString(7)))),
                    keys.Count,
                    Rows(keys, key => new (string, object?)[] { ("serial", key.Serial), ("index", key.Index) }));
                foreach ((string serial, long index, StoredNeighbour period) in joined)
                {
                    if (period.Record != null || !found.ContainsKey((serial, index)))
                    {
                        found[(serial, index)] = period;
                    }
                }

                return found;
            }

            List<(string Serial, long Index, StoredNeighbour Period)>[] rows = QueryEach(
                "SELECT serial, period_index, import_start, import_end, export_start, export_end, CASE WHEN period_index = @index THEN record ELSE NULL END, received_utc "
                + "FROM periods WHERE serial = @serial AND period_index >= @from AND period_index <= @to",
                r => (r.GetString(0), r.GetInt64(1), new StoredNeighbour(r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), UtcText.Parse(r.GetString(7)))),
                Rows(keys, key => new (string, object?)[] { ("index", key.Index), ("serial", key.Serial), ("from", key.Index - 1), ("to", key.Index + 1) }));
            foreach (List<(string Serial, long Index, StoredNeighbour Period)> around in rows)
            {
                foreach ((string serial, long index, StoredNeighbour period) in around)
                {
                    if (period.Record != null || !found.ContainsKey((serial, index)))
                    {
                        found[(serial, index)] = period;
                    }
                }
            }

            return found;
        }

        /// <summary>Stores verified periods; for each, false when that period of that meter was already stored (nothing changes).</summary>
        internal bool[] AddPeriods(IReadOnlyList<StoredPeriod> periods)
        {
            var added = new bool[periods.Count];
            if (periods.Count == 0)
            {
                return added;
            }

            if (_connection is NpgsqlConnection)
            {
                var index = new Dictionary<(string, long), int>(periods.Count);
                for (int i = 0; i < periods.Count; i++)
                {
                    index[(periods[i].Serial, periods[i].PeriodIndex)] = i;
                }

                List<(string Serial, long Index)> inserted = QueryArrays(
                    "INSERT INTO periods (serial, period_index, import_start, import_end, export_start, export_end, flags, time_status, error_flags, amsid_import, amsid_export, record, received_utc) "
                    + "SELECT * FROM unnest(@serial, @index, @is, @ie, @es, @ee, @flags, @ts, @ef, @ai, @ae, @record, @received) "
                    + "ON CONFLICT (serial, period_index) DO NOTHING RETURNING serial, period_index",
                    r => (r.GetString(0), r.GetInt64(1)),
                    periods.Count,
                    Rows(periods, PeriodRow));
                foreach ((string Serial, long Index) key in inserted)
                {
                    added[index[key]] = true;
                }

                return added;
            }

            int[] affected = ExecuteEach(AddPeriodSql, Rows(periods, PeriodRow));
            for (int i = 0; i < affected.Length; i++)
            {
                added[i] = affected[i] == 1;
            }

            return added;
        }

        /// <summary>Stores snapshots; for each, false when it was already stored.</summary>
        internal bool[] AddSnapshots(IReadOnlyList<StoredSnapshot> snapshots) => Added(ExecuteEach(AddSnapshotSql, Rows(snapshots, SnapshotRow)));

        /// <summary>Stores events; for each, false when that event of that meter was already stored.</summary>
        internal bool[] AddEvents(IReadOnlyList<StoredEvent> events) => Added(ExecuteEach(AddEventSql, Rows(events, EventRow)));

        /// <summary>Keeps failed messages (a message kept already for the same reason is kept once).</summary>
        internal void Quarantine(IReadOnlyList<QuarantinedRecord> records) => ExecuteEach(QuarantineSql, Rows(records, QuarantineRow));

        /// <summary>Records the meters' answers; for each, false when no such command was sent or it was already answered.</summary>
        internal bool[] SetReplies(IReadOnlyList<(string Serial, long Counter, string Result, string Reason, DateTime ReplyUtc, DateTime? MeterUtc)> replies)
            => Added(ExecuteEach(SetReplySql, Rows(replies, r => ReplyRow(r.Serial, r.Counter, r.Result, r.Reason, r.ReplyUtc, r.MeterUtc))));

        /// <summary>For each (serial, from, to): the meter's stored period indices within [from, to], ascending.</summary>
        internal List<long>[] PeriodIndexes(IReadOnlyList<(string Serial, long From, long To)> ranges)
            => QueryEach(PeriodIndexesSql, r => r.GetInt64(0), Rows(ranges, x => new (string, object?)[] { ("serial", x.Serial), ("from", x.From), ("to", x.To) }));

        /// <summary>For each serial: <see cref="QuarantinedSignedPeriodIndexes(string)"/>.</summary>
        internal List<long>[] QuarantinedSignedPeriodIndexes(IReadOnlyList<string> serials)
        {
            List<string>[] pages = QueryEach(QuarantinedSignedSql, r => r.GetString(0), Rows(serials, serial => new (string, object?)[] { ("serial", serial) }));
            var indexes = new List<long>[pages.Length];
            for (int i = 0; i < pages.Length; i++)
            {
                indexes[i] = SignedPeriodIndexes(pages[i]);
            }

            return indexes;
        }

        /// <summary>
        /// Claims a counter for each command, as <see cref="ClaimCounter"/> would one after another (two commands to
        /// one meter get consecutive counters); one round trip for all on PostgreSQL.
        /// </summary>
        internal long[] ClaimCounters(IReadOnlyList<(string Serial, long Floor, string Operation, string Arguments)> commands, DateTime sentUtc, string instance)
        {
            List<long>[] claimed = QueryEach(ClaimSql, r => r.GetInt64(0), Rows(commands, c => ClaimRow(c.Serial, c.Floor, c.Operation, c.Arguments, sentUtc, instance)));
            var counters = new long[commands.Count];
            for (int i = 0; i < commands.Count; i++)
            {
                // Another instance took the counter between our read and our insert: claim that one again alone.
                counters[i] = claimed[i].Count == 1 ? claimed[i][0] : ClaimCounter(commands[i].Serial, commands[i].Floor, commands[i].Operation, commands[i].Arguments, sentUtc, instance);
            }

            return counters;
        }

        private static bool[] Added(int[] affected)
        {
            var added = new bool[affected.Length];
            for (int i = 0; i < affected.Length; i++)
            {
                added[i] = affected[i] == 1;
            }

            return added;
        }

        private static List<(string, object?)[]> Rows<T>(IReadOnlyCollection<T> items, Func<T, (string, object?)[]> row)
        {
            var rows = new List<(string, object?)[]>(items.Count);
            foreach (T item in items)
            {
                rows.Add(row(item));
            }

            return rows;
        }

        // PostgreSQL: one statement whose parameter @serials is the array of serials.
        private List<T> QueryArray<T>(string sql, Func<DbDataReader, T> read, IReadOnlyCollection<string> serials)
        {
            var values = new string[serials.Count];
            int i = 0;
            foreach (string serial in serials)
            {
                values[i++] = StorableText(serial);
            }

            lock (_lock)
            {
                using var command = new NpgsqlCommand(sql, (NpgsqlConnection)_connection, (NpgsqlTransaction?)_transaction);
                command.Parameters.Add(new NpgsqlParameter("serials", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values });
                using NpgsqlDataReader reader = command.ExecuteReader();
                var rows = new List<T>();
                while (reader.Read())
                {
                    rows.Add(read(reader));
                }

                return rows;
            }
        }

        // PostgreSQL: one multi-row statement over unnest(@a, @b, ...), each parameter the column of the rows' values.
        private List<T> QueryArrays<T>(string sql, Func<DbDataReader, T> read, int count, List<(string Name, object? Value)[]> rows)
        {
            lock (_lock)
            {
                using NpgsqlCommand command = ArrayCommand(sql, count, rows);
                using NpgsqlDataReader reader = command.ExecuteReader();
                var results = new List<T>();
                while (reader.Read())
                {
                    results.Add(read(reader));
                }

                return results;
            }
        }

        private void ExecuteArrays(string sql, int count, List<(string Name, object? Value)[]> rows)
        {
            lock (_lock)
            {
                using NpgsqlCommand command = ArrayCommand(sql, count, rows);
                command.ExecuteNonQuery();
            }
        }

        private NpgsqlCommand ArrayCommand(string sql, int count, List<(string Name, object? Value)[]> rows)
        {
            var command = new NpgsqlCommand(sql, (NpgsqlConnection)_connection, (NpgsqlTransaction?)_transaction);
            (string Name, object? Value)[] first = rows[0];
            for (int column = 0; column < first.Length; column++)
            {
                // A column's type is that of its first non-null value (a column is all text or all integers).
                bool numbers = false;
                foreach ((string Name, object? Value)[] row in rows)
                {
                    if (row[column].Value != null)
                    {
                        numbers = row[column].Value is long;
                        break;
                    }
                }

                if (numbers)
                {
                    var values = new long[count];
                    for (int i = 0; i < count; i++)
                    {
                        values[i] = (long)rows[i][column].Value!;
                    }

                    command.Parameters.Add(new NpgsqlParameter(first[column].Name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values });
                }
                else
                {
                    var values = new string?[count];
                    for (int i = 0; i < count; i++)
                    {
                        values[i] = rows[i][column].Value is string text ? StorableText(text) : null;
                    }

                    command.Parameters.Add(new NpgsqlParameter(first[column].Name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values });
                }
            }

            return command;
        }
    }
}
