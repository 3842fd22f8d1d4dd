using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.IO;
using System.Text;
using AssetMeter.Collector.Registry;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AssetMeter.Collector.Storage
{
    /// <summary>
    /// The collector's database: SQLite as the embedded default, PostgreSQL for fleets. One schema and one set of SQL
    /// statements serve both (plain SQL with <c>ON CONFLICT</c>, which both engines have), so they behave the same;
    /// every insert is idempotent, so a record delivered twice, or by two collector instances, is stored once.
    /// Times are UTC text (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>), energy integer milliwatt-hours; ordering of text is
    /// done in .NET (ordinal), never by the engine's collation, so both engines give the same files. Text is stored
    /// as both engines can keep it (<see cref="StorableText"/>). Tests feed one recording to both and compare.
    /// </summary>
    /// <remarks>One open connection per instance, used under a lock; give each worker its own instance.</remarks>
    public sealed partial class CollectorStore : IDisposable
    {
        private static readonly string[] Schema =
        {
            "CREATE TABLE IF NOT EXISTS meters (serial TEXT PRIMARY KEY, algorithm TEXT NOT NULL, key_hex TEXT NOT NULL, amsid_import TEXT NOT NULL, amsid_export TEXT, max_demand_w BIGINT NOT NULL, registered_utc TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS periods (serial TEXT NOT NULL, period_index BIGINT NOT NULL, import_start BIGINT NOT NULL, import_end BIGINT NOT NULL, export_start BIGINT NOT NULL, export_end BIGINT NOT NULL, flags BIGINT NOT NULL, time_status TEXT NOT NULL, error_flags TEXT NOT NULL, amsid_import TEXT NOT NULL, amsid_export TEXT, record TEXT NOT NULL, received_utc TEXT NOT NULL, PRIMARY KEY (serial, period_index))",
            "CREATE TABLE IF NOT EXISTS quarantine (message_hash TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, serial TEXT NOT NULL, pagination TEXT NOT NULL, signature_valid BIGINT NOT NULL, topic TEXT NOT NULL, message TEXT NOT NULL, received_utc TEXT NOT NULL, PRIMARY KEY (message_hash, reason))",
            "CREATE TABLE IF NOT EXISTS snapshots (serial TEXT NOT NULL, pagination BIGINT NOT NULL, meter_utc TEXT NOT NULL, time_status TEXT NOT NULL, import_total BIGINT NOT NULL, export_total BIGINT NOT NULL, flags BIGINT NOT NULL, record TEXT NOT NULL, received_utc TEXT NOT NULL, PRIMARY KEY (serial, pagination))",
            "CREATE TABLE IF NOT EXISTS meter_events (serial TEXT NOT NULL, sequence BIGINT NOT NULL, utc TEXT, code BIGINT NOT NULL, name TEXT NOT NULL, value1 BIGINT NOT NULL, value2 BIGINT NOT NULL, received_utc TEXT NOT NULL, PRIMARY KEY (serial, sequence))",
            "CREATE TABLE IF NOT EXISTS meter_status (serial TEXT PRIMARY KEY, online BIGINT NOT NULL, clock TEXT NOT NULL, meter_utc TEXT, first_period BIGINT NOT NULL, last_period BIGINT NOT NULL, acknowledged BIGINT NOT NULL, json TEXT NOT NULL, received_utc TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS commands (serial TEXT NOT NULL, counter BIGINT NOT NULL, operation TEXT NOT NULL, arguments TEXT NOT NULL, sent_utc TEXT NOT NULL, instance TEXT NOT NULL, result TEXT, reason TEXT, reply_utc TEXT, meter_utc TEXT, PRIMARY KEY (serial, counter))",
            "CREATE TABLE IF NOT EXISTS clock_checks (serial TEXT NOT NULL, counter BIGINT NOT NULL, sent_utc TEXT NOT NULL, reply_utc TEXT NOT NULL, meter_utc TEXT NOT NULL, offset_ms BIGINT NOT NULL, uncertainty_ms BIGINT NOT NULL, verdict TEXT NOT NULL, PRIMARY KEY (serial, counter))",
        };

        private readonly DbConnection _connection;
        private readonly object _lock = new();
        private readonly Dictionary<string, DbCommand> _statements = new(StringComparer.Ordinal);
        private DbTransaction? _transaction;

        private CollectorStore(DbConnection connection, string engine, string description)
        {
            _connection = connection;
            Engine = engine;
            Description = description;
        }

        /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
        public string Engine { get; }

        /// <summary>Where the data is (file, or host and database), for messages.</summary>
        public string Description { get; }

        /// <summary>
        /// Opens a store: <c>postgres:&lt;Npgsql connection string&gt;</c> (or a string with <c>Host=</c>) for
        /// PostgreSQL, otherwise <c>sqlite:&lt;file&gt;</c> or a plain file path for SQLite. Creates the schema.
        /// </summary>
        public static CollectorStore Open(string location)
        {
            CollectorStore store;
            if (location.StartsWith("postgres:", StringComparison.Ordinal) || location.Contains("Host=", StringComparison.OrdinalIgnoreCase))
            {
                string connectionString = location.StartsWith("postgres:", StringComparison.Ordinal) ? location.Substring("postgres:".Length) : location;
                var connection = new NpgsqlConnection(connectionString);
                connection.Open();
                store = new CollectorStore(connection, "postgresql", $"PostgreSQL {connection.Host}:{connection.Port}/{connection.Database}");
            }
            else
            {
                string path = location.StartsWith("sqlite:", StringComparison.Ordinal) ? location.Substring("sqlite:".Length) : location;
                string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory != null)
                {
                    Directory.CreateDirectory(directory);
                }

                // Default Timeout: wait for another collector process holding the write lock instead of failing.
                var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 };
                var connection = new SqliteConnection(builder.ToString());
                connection.Open();
                store = new CollectorStore(connection, "sqlite", "SQLite " + Path.GetFullPath(path));
                store.ExecuteOnce("PRAGMA journal_mode=WAL");
                store.ExecuteOnce("PRAGMA synchronous=NORMAL");
            }

            store.CreateSchema();
            return store;
        }

        private void CreateSchema()
        {
            foreach (string statement in Schema)
            {
                try
                {
                    ExecuteOnce(statement);
                }
                catch (PostgresException e) when (e.SqlState == "23505" || e.SqlState == "42P07")
                {
                    // Two instances creating the schema at once: PostgreSQL's IF NOT EXISTS is not race-free.
                }
            }
        }

        /// <summary>Runs <paramref name="work"/> in one transaction (a batch of inserts costs one commit).</summary>
        public void InTransaction(Action work)
        {
            lock (_lock)
            {
                if (_transaction != null)
                {
                    work();
                    return;
                }

                _transaction = _connection.BeginTransaction(IsolationLevel.ReadCommitted);
                try
                {
                    work();
                    _transaction.Commit();
                }
                catch
                {
                    _transaction.Rollback();
                    throw;
                }
                finally
                {
                    _transaction.Dispose();
                    _transaction = null;
                }
            }
        }

        // ------------------------------------------------------------------ registry

        /// <summary>Adds or replaces a meter's standing data.</summary>
        public void Register(MeterRegistration meter)
        {
            string? problem = meter.Problem();
            if (problem != null)
            {
                throw new ArgumentException($"meter {meter.Serial}: {problem}", nameof(meter));
            }

            Execute(
                "INSERT INTO meters (serial, algorithm, key_hex, amsid_import, amsid_export, max_demand_w, registered_utc) VALUES (@serial, @algorithm, @key, @import, @export, @max, @registered) "
                + "ON CONFLICT (serial) DO UPDATE SET algorithm = excluded.algorithm, key_hex = excluded.key_hex, amsid_import = excluded.amsid_import, amsid_export = excluded.amsid_export, max_demand_w = excluded.max_demand_w, registered_utc = excluded.registered_utc",
                ("serial", meter.Serial), ("algorithm", meter.Algorithm), ("key", meter.KeyHex.ToLowerInvariant()), ("import", meter.AmsidImport),
                ("export", meter.AmsidExport), ("max", meter.MaximumDemandWatts), ("registered", UtcText.Format(meter.RegisteredUtc)));
        }

        public MeterRegistration? Meter(string serial)
        {
            List<MeterRegistration> found = Query(MeterSql, ReadMeter, ("serial", serial));
            return found.Count == 0 ? null : found[0];
        }

        private const string MeterColumns = "SELECT serial, algorithm, key_hex, amsid_import, amsid_export, max_demand_w, registered_utc FROM meters";

        private const string MeterSql = MeterColumns + " WHERE serial = @serial";

        /// <summary>All registered meters, by serial (ordinal).</summary>
        public List<MeterRegistration> Meters()
        {
            List<MeterRegistration> all = Query(MeterColumns, ReadMeter);
            all.Sort((a, b) => string.CompareOrdinal(a.Serial, b.Serial));
            return all;
        }

        private static MeterRegistration ReadMeter(DbDataReader r) => new()
        {
            Serial = r.GetString(0),
            Algorithm = r.GetString(1),
            KeyHex = r.GetString(2),
            AmsidImport = r.GetString(3),
            AmsidExport = r.IsDBNull(4) ? null : r.GetString(4),
            MaximumDemandWatts = r.GetInt64(5),
            RegisteredUtc = UtcText.Parse(r.GetString(6)),
        };

        // ------------------------------------------------------------------ periods

        /// <summary>Stores a verified period; false when that period of that meter is already stored (nothing changes).</summary>
        public bool AddPeriod(StoredPeriod p) => Execute(AddPeriodSql, PeriodRow(p)) == 1;

        private const string AddPeriodSql =
            "INSERT INTO periods (serial, period_index, import_start, import_end, export_start, export_end, flags, time_status, error_flags, amsid_import, amsid_export, record, received_utc) "
            + "VALUES (@serial, @index, @is, @ie, @es, @ee, @flags, @ts, @ef, @ai, @ae, @record, @received) ON CONFLICT (serial, period_index) DO NOTHING";

        private static (string, object?)[] PeriodRow(StoredPeriod p) => new (string, object?)[]
        {
            ("serial", p.Serial), ("index", p.PeriodIndex), ("is", p.ImportStart), ("ie", p.ImportEnd), ("es", p.ExportStart), ("ee", p.ExportEnd),
            ("flags", p.Flags), ("ts", p.TimeStatus), ("ef", p.ErrorFlags), ("ai", p.AmsidImport), ("ae", p.AmsidExport), ("record", p.Record),
            ("received", UtcText.Format(p.ReceivedUtc)),
        };

        public StoredPeriod? Period(string serial, long index)
        {
            List<StoredPeriod> found = Query(PeriodColumns + " WHERE serial = @serial AND period_index = @index", ReadPeriod, ("serial", serial), ("index", index));
            return found.Count == 0 ? null : found[0];
        }

        /// <summary>A meter's stored periods in index order, optionally within [from, to].</summary>
        public List<StoredPeriod> Periods(string serial, long from = long.MinValue, long to = long.MaxValue)
        {
            return Query(PeriodColumns + " WHERE serial = @serial AND period_index >= @from AND period_index <= @to ORDER BY period_index", ReadPeriod,
                ("serial", serial), ("from", from), ("to", to));
        }

        /// <summary>The indices of a meter's stored periods within [from, to], ascending.</summary>
        public List<long> PeriodIndexes(string serial, long from, long to) => Query(PeriodIndexesSql, r => r.GetInt64(0), ("serial", serial), ("from", from), ("to", to));

        private const string PeriodIndexesSql = "SELECT period_index FROM periods WHERE serial = @serial AND period_index >= @from AND period_index <= @to ORDER BY period_index";

        public long PeriodCount()
        {
            return Query("SELECT COUNT(*) FROM periods", r => r.GetInt64(0))[0];
        }

        private const string PeriodColumns = "SELECT serial, period_index, import_start, import_end, export_start, export_end, flags, time_status, error_flags, amsid_import, amsid_export, record, received_utc FROM periods";

        private static StoredPeriod ReadPeriod(DbDataReader r) => new()
        {
            Serial = r.GetString(0),
            PeriodIndex = r.GetInt64(1),
            ImportStart = r.GetInt64(2),
            ImportEnd = r.GetInt64(3),
            ExportStart = r.GetInt64(4),
            ExportEnd = r.GetInt64(5),
            Flags = r.GetInt64(6),
            TimeStatus = r.GetString(7),
            ErrorFlags = r.GetString(8),
            AmsidImport = r.GetString(9),
            AmsidExport = r.IsDBNull(10) ? null : r.GetString(10),
            Record = r.GetString(11),
            ReceivedUtc = UtcText.Parse(r.GetString(12)),
        };

        // ------------------------------------------------------------------ quarantine

        /// <summary>Keeps a failed message; false when the same message was already kept for the same reason.</summary>
        public bool Quarantine(QuarantinedRecord q) => Execute(QuarantineSql, QuarantineRow(q)) == 1;

        private const string QuarantineSql =
            "INSERT INTO quarantine (message_hash, reason, detail, serial, pagination, signature_valid, topic, message, received_utc) "
            + "VALUES (@hash, @reason, @detail, @serial, @pagination, @valid, @topic, @message, @received) ON CONFLICT (message_hash, reason) DO NOTHING";

        private static (string, object?)[] QuarantineRow(QuarantinedRecord q) => new (string, object?)[]
        {
            ("hash", q.MessageHash), ("reason", q.Reason), ("detail", q.Detail), ("serial", q.Serial), ("pagination", q.Pagination),
            ("valid", q.SignatureValid ? 1L : 0L), ("topic", q.Topic), ("message", q.Message), ("received", UtcText.Format(q.ReceivedUtc)),
        };

        /// <summary>Quarantined messages, in the order received (then by hash, so both engines agree).</summary>
        public List<QuarantinedRecord> QuarantinedRecords()
        {
            List<QuarantinedRecord> all = Query("SELECT message_hash, reason, detail, serial, pagination, signature_valid, topic, message, received_utc FROM quarantine", r => new QuarantinedRecord
            {
                MessageHash = r.GetString(0),
                Reason = r.GetString(1),
                Detail = r.GetString(2),
                Serial = r.GetString(3),
                Pagination = r.GetString(4),
                SignatureValid = r.GetInt64(5) != 0,
                Topic = r.GetString(6),
                Message = r.GetString(7),
                ReceivedUtc = UtcText.Parse(r.GetString(8)),
            });
            all.Sort((a, b) =>
            {
                int bySerial = string.CompareOrdinal(a.Serial, b.Serial);
                if (bySerial != 0)
                {
                    return bySerial;
                }

                int byPage = string.CompareOrdinal(a.Pagination, b.Pagination);
                return byPage != 0 ? byPage : string.CompareOrdinal(a.MessageHash + a.Reason, b.MessageHash + b.Reason);
            });
            return all;
        }

        /// <summary>
        /// Periods of a meter that arrived signed by the meter but failed a content check: the meter sent them
        /// faithfully, so asking again would bring the same bytes; they count as received (not as consumption).
        /// </summary>
        public List<long> QuarantinedSignedPeriodIndexes(string serial) => SignedPeriodIndexes(Query(QuarantinedSignedSql, r => r.GetString(0), ("serial", serial)));

        private const string QuarantinedSignedSql = "SELECT pagination FROM quarantine WHERE serial = @serial AND signature_valid = 1";

        private static List<long> SignedPeriodIndexes(List<string> pages)
        {
            var indexes = new List<long>();
            foreach (string page in pages)
            {
                if (page.Length > 1 && page[0] == 'F' && long.TryParse(page.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long index))
                {
                    indexes.Add(index);
                }
            }

            indexes.Sort();
            return indexes;
        }

        // ------------------------------------------------------------------ snapshots, events, status

        public bool AddSnapshot(StoredSnapshot s) => Execute(AddSnapshotSql, SnapshotRow(s)) == 1;

        private const string AddSnapshotSql =
            "INSERT INTO snapshots (serial, pagination, meter_utc, time_status, import_total, export_total, flags, record, received_utc) VALUES (@serial, @pg, @utc, @ts, @imp, @exp, @flags, @record, @received) ON CONFLICT (serial, pagination) DO NOTHING";

        private static (string, object?)[] SnapshotRow(StoredSnapshot s) => new (string, object?)[]
        {
            ("serial", s.Serial), ("pg", s.Pagination), ("utc", UtcText.Format(s.MeterUtc)), ("ts", s.TimeStatus), ("imp", s.Import), ("exp", s.Export),
            ("flags", s.Flags), ("record", s.Record), ("received", UtcText.Format(s.ReceivedUtc)),
        };

        public List<StoredSnapshot> Snapshots(string serial)
        {
            return Query("SELECT serial, pagination, meter_utc, time_status, import_total, export_total, flags, record, received_utc FROM snapshots WHERE serial = @serial ORDER BY pagination", r => new StoredSnapshot
            {
                Serial = r.GetString(0),
                Pagination = r.GetInt64(1),
                MeterUtc = UtcText.Parse(r.GetString(2)),
                TimeStatus = r.GetString(3),
                Import = r.GetInt64(4),
                Export = r.GetInt64(5),
                Flags = r.GetInt64(6),
                Record = r.GetString(7),
                ReceivedUtc = UtcText.Parse(r.GetString(8)),
            }, ("serial", serial));
        }

        public bool AddEvent(StoredEvent e) => Execute(AddEventSql, EventRow(e)) == 1;

        private const string AddEventSql =
            "INSERT INTO meter_events (serial, sequence, utc, code, name, value1, value2, received_utc) VALUES (@serial, @seq, @utc, @code, @name, @v1, @v2, @received) ON CONFLICT (serial, sequence) DO NOTHING";

        private static (string, object?)[] EventRow(StoredEvent e) => new (string, object?)[]
        {
            ("serial", e.Serial), ("seq", e.Sequence), ("utc", e.Utc.HasValue ? UtcText.Format(e.Utc.Value) : null), ("code", e.Code), ("name", e.Name),
            ("v1", e.Value1), ("v2", e.Value2), ("received", UtcText.Format(e.ReceivedUtc)),
        };

        public List<StoredEvent> Events(string serial)
        {
            return Query("SELECT serial, sequence, utc, code, name, value1, value2, received_utc FROM meter_events WHERE serial = @serial ORDER BY sequence", r => new StoredEvent
            {
                Serial = r.GetString(0),
                Sequence = r.GetInt64(1),
                Utc = r.IsDBNull(2) ? null : UtcText.Parse(r.GetString(2)),
                Code = r.GetInt64(3),
                Name = r.GetString(4),
                Value1 = r.GetInt64(5),
                Value2 = r.GetInt64(6),
                ReceivedUtc = UtcText.Parse(r.GetString(7)),
            }, ("serial", serial));
        }

        public void SetStatus(StoredStatus s) => Execute(SetStatusSql, StatusRow(s));

        private const string SetStatusSql =
            "INSERT INTO meter_status (serial, online, clock, meter_utc, first_period, last_period, acknowledged, json, received_utc) VALUES (@serial, @online, @clock, @utc, @first, @last, @ack, @json, @received) "
            + "ON CONFLICT (serial) DO UPDATE SET online = excluded.online, clock = excluded.clock, meter_utc = excluded.meter_utc, first_period = excluded.first_period, last_period = excluded.last_period, acknowledged = excluded.acknowledged, json = excluded.json, received_utc = excluded.received_utc";

        private static (string, object?)[] StatusRow(StoredStatus s) => new (string, object?)[]
        {
            ("serial", s.Serial), ("online", s.Online ? 1L : 0L), ("clock", s.Clock), ("utc", s.MeterUtc.HasValue ? UtcText.Format(s.MeterUtc.Value) : null),
            ("first", s.FirstPeriod), ("last", s.LastPeriod), ("ack", s.Acknowledged), ("json", s.Json), ("received", UtcText.Format(s.ReceivedUtc)),
        };

        public StoredStatus? Status(string serial)
        {
            List<StoredStatus> found = Query(StatusColumns + " WHERE serial = @serial", ReadStatus, ("serial", serial));
            return found.Count == 0 ? null : found[0];
        }

        private const string StatusColumns = "SELECT serial, online, clock, meter_utc, first_period, last_period, acknowledged, json, received_utc FROM meter_status";

        private static StoredStatus ReadStatus(DbDataReader r) => new()
        {
            Serial = r.GetString(0),
            Online = r.GetInt64(1) != 0,
            Clock = r.GetString(2),
            MeterUtc = r.IsDBNull(3) ? null : UtcText.Parse(r.GetString(3)),
            FirstPeriod = r.GetInt64(4),
            LastPeriod = r.GetInt64(5),
            Acknowledged = r.GetInt64(6),
            Json = r.GetString(7),
            ReceivedUtc = UtcText.Parse(r.GetString(8)),
        };

        // ------------------------------------------------------------------ commands and clock checks

        /// <summary>
        /// Records a command about to be sent, claiming its counter: the first counter not below
        /// <paramref name="floor"/> and above every counter used for that meter. Two collector instances never claim
        /// the same one (the primary key decides).
        /// </summary>
        public long ClaimCounter(string serial, long floor, string operation, string arguments, DateTime sentUtc, string instance)
        {
            for (int attempt = 0; ; attempt++)
            {
                List<long> claimed = Query(ClaimSql, r => r.GetInt64(0), ClaimRow(serial, floor, operation, arguments, sentUtc, instance));
                if (claimed.Count == 1)
                {
                    return claimed[0];
                }

                if (attempt > 100)
                {
                    throw new InvalidOperationException($"could not claim a command counter for {serial}");
                }
            }
        }

        // One statement: the next counter for the meter, taken only if no other instance took it first.
        private const string ClaimSql =
            "INSERT INTO commands (serial, counter, operation, arguments, sent_utc, instance) "
            + "SELECT @serial, CASE WHEN COALESCE(MAX(counter), 0) + 1 > @floor THEN COALESCE(MAX(counter), 0) + 1 ELSE @floor END, @op, @args, @sent, @instance FROM commands WHERE serial = @serial "
            + "ON CONFLICT (serial, counter) DO NOTHING RETURNING counter";

        private static (string, object?)[] ClaimRow(string serial, long floor, string operation, string arguments, DateTime sentUtc, string instance) => new (string, object?)[]
        {
            ("serial", serial), ("floor", floor), ("op", operation), ("args", arguments), ("sent", UtcText.Format(sentUtc)), ("instance", instance),
        };

        /// <summary>Records the meter's answer to a command; false when no such command was sent or it was already answered.</summary>
        public bool SetReply(string serial, long counter, string result, string reason, DateTime replyUtc, DateTime? meterUtc)
            => Execute(SetReplySql, ReplyRow(serial, counter, result, reason, replyUtc, meterUtc)) == 1;

        private const string SetReplySql = "UPDATE commands SET result = @result, reason = @reason, reply_utc = @reply, meter_utc = @meter WHERE serial = @serial AND counter = @counter AND result IS NULL";

        private static (string, object?)[] ReplyRow(string serial, long counter, string result, string reason, DateTime replyUtc, DateTime? meterUtc) => new (string, object?)[]
        {
            ("result", result), ("reason", reason), ("reply", UtcText.Format(replyUtc)), ("meter", meterUtc.HasValue ? UtcText.Format(meterUtc.Value) : null),
            ("serial", serial), ("counter", counter),
        };

        public CommandEntry? Command(string serial, long counter)
        {
            List<CommandEntry> found = Query(CommandColumns + " WHERE serial = @serial AND counter = @counter", ReadCommand, ("serial", serial), ("counter", counter));
            return found.Count == 0 ? null : found[0];
        }

        /// <summary>A meter's commands in counter order.</summary>
        public List<CommandEntry> Commands(string serial)
        {
            return Query(CommandColumns + " WHERE serial = @serial ORDER BY counter", ReadCommand, ("serial", serial));
        }

        private const string CommandColumns = "SELECT serial, counter, operation, arguments, sent_utc, instance, result, reason, reply_utc, meter_utc FROM commands";

        private static CommandEntry ReadCommand(DbDataReader r) => new()
        {
            Serial = r.GetString(0),
            Counter = r.GetInt64(1),
            Operation = r.GetString(2),
            Arguments = r.GetString(3),
            SentUtc = UtcText.Parse(r.GetString(4)),
            Instance = r.GetString(5),
            Result = r.IsDBNull(6) ? null : r.GetString(6),
            Reason = r.IsDBNull(7) ? null : r.GetString(7),
            ReplyUtc = r.IsDBNull(8) ? null : UtcText.Parse(r.GetString(8)),
            MeterUtc = r.IsDBNull(9) ? null : UtcText.Parse(r.GetString(9)),
        };

        public void AddClockCheck(ClockCheck c)
        {
            Execute(
                "INSERT INTO clock_checks (serial, counter, sent_utc, reply_utc, meter_utc, offset_ms, uncertainty_ms, verdict) VALUES (@serial, @counter, @sent, @reply, @meter, @offset, @unc, @verdict) ON CONFLICT (serial, counter) DO NOTHING",
                ("serial", c.Serial), ("counter", c.Counter), ("sent", UtcText.Format(c.SentUtc)), ("reply", UtcText.Format(c.ReplyUtc)), ("meter", UtcText.Format(c.MeterUtc)),
                ("offset", c.OffsetMilliseconds), ("unc", c.UncertaintyMilliseconds), ("verdict", c.Verdict));
        }

        public List<ClockCheck> ClockChecks(string serial)
        {
            return Query("SELECT serial, counter, sent_utc, reply_utc, meter_utc, offset_ms, uncertainty_ms, verdict FROM clock_checks WHERE serial = @serial ORDER BY counter", r => new ClockCheck
            {
                Serial = r.GetString(0),
                Counter = r.GetInt64(1),
                SentUtc = UtcText.Parse(r.GetString(2)),
                ReplyUtc = UtcText.Parse(r.GetString(3)),
                MeterUtc = UtcText.Parse(r.GetString(4)),
                OffsetMilliseconds = r.GetInt64(5),
                UncertaintyMilliseconds = r.GetInt64(6),
                Verdict = r.GetString(7),
            }, ("serial", serial));
        }

        public void Dispose()
        {
            lock (_lock)
            {
                foreach (DbCommand statement in _statements.Values)
                {
                    statement.Dispose();
                }

                _statements.Clear();
                _connection.Dispose();
            }
        }

        // ------------------------------------------------------------------ plumbing

        private int Execute(string sql, params (string Name, object? Value)[] parameters)
        {
            lock (_lock)
            {
                return Statement(sql, parameters).ExecuteNonQuery();
            }
        }

        // Schema, settings and maintenance (the benchmark settles a store with it): run once, neither prepared nor kept.
        internal void ExecuteOnce(string sql)
        {
            lock (_lock)
            {
                using DbCommand command = _connection.CreateCommand();
                command.CommandText = sql;
                command.Transaction = _transaction;
                command.ExecuteNonQuery();
            }
        }

        private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
        {
            lock (_lock)
            {
                using DbDataReader reader = Statement(sql, parameters).ExecuteReader();
                var rows = new List<T>();
                while (reader.Read())
                {
                    rows.Add(read(reader));
                }

                return rows;
            }
        }

        /// <summary>
        /// Runs <paramref name="sql"/> once for each row of <paramref name="rows"/> (the same parameters each time) and
        /// returns what each returned: on SQLite one prepared statement run again and again; on PostgreSQL every row's
        /// statement in one batch, a single round trip to the server.
        /// </summary>
        private List<T>[] QueryEach<T>(string sql, Func<DbDataReader, T> read, IReadOnlyList<(string Name, object? Value)[]> rows)
        {
            var results = new List<T>[rows.Count];
            if (rows.Count == 0)
            {
                return results;
            }

            lock (_lock)
            {
                if (_connection is NpgsqlConnection postgres)
                {
                    using NpgsqlBatch batch = Batch(postgres, sql, rows);

                    using NpgsqlDataReader reader = batch.ExecuteReader();
                    for (int i = 0; i < rows.Count; i++)
                    {
                        results[i] = new List<T>();
                        while (reader.Read())
                        {
                            results[i].Add(read(reader));
                        }

                        reader.NextResult();
                    }

                    return results;
                }

                for (int i = 0; i < rows.Count; i++)
                {
                    results[i] = new List<T>();
                    using DbDataReader reader = Statement(sql, rows[i]).ExecuteReader();
                    while (reader.Read())
                    {
                        results[i].Add(read(reader));
                    }
                }

                return results;
            }
        }

        // PostgreSQL: the statement once per row, all sent in one round trip.
        private NpgsqlBatch Batch(NpgsqlConnection postgres, string sql, IReadOnlyList<(string Name, object? Value)[]> rows)
        {
            var batch = new NpgsqlBatch(postgres, (NpgsqlTransaction?)_transaction);
            foreach ((string Name, object? Value)[] row in rows)
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach ((string name, object? value) in row)
                {
                    command.Parameters.Add(PostgresParameter(name, value));
                }

                batch.BatchCommands.Add(command);
            }

            return batch;
        }

        /// <summary>Like <see cref="QueryEach{T}"/> for statements that return nothing: the rows each changed.</summary>
        private int[] ExecuteEach(string sql, IReadOnlyList<(string Name, object? Value)[]> rows)
        {
            var affected = new int[rows.Count];
            if (rows.Count == 0)
            {
                return affected;
            }

            lock (_lock)
            {
                if (_connection is NpgsqlConnection postgres)
                {
                    using NpgsqlBatch batch = Batch(postgres, sql, rows);

                    batch.ExecuteNonQuery();
                    for (int i = 0; i < rows.Count; i++)
                    {
                        affected[i] = batch.BatchCommands[i].RecordsAffected;
                    }

                    return affected;
                }

                for (int i = 0; i < rows.Count; i++)
                {
                    affected[i] = Statement(sql, rows[i]).ExecuteNonQuery();
                }

                return affected;
            }
        }

        private static NpgsqlParameter PostgresParameter(string name, object? value)
            => value is long number
                ? new NpgsqlParameter<long>(name, NpgsqlTypes.NpgsqlDbType.Bigint) { TypedValue = number }
                : new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = value is string text ? StorableText(text) : DBNull.Value };

        // The statement for this SQL, prepared once per connection and kept (a store runs the same few statements
        // thousands of times a boundary: compiling each again cost as much as running it), its parameters set.
        private DbCommand Statement(string sql, (string Name, object? Value)[] parameters)
        {
            if (!_statements.TryGetValue(sql, out DbCommand? command))
            {
                command = _connection.CreateCommand();
                command.CommandText = sql;
                foreach ((string name, object? value) in parameters)
                {
                    DbParameter parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.DbType = value is long ? DbType.Int64 : DbType.String;
                    command.Parameters.Add(parameter);
                }

                _statements[sql] = command;
                if (_connection is NpgsqlConnection)
                {
                    command.Transaction = _transaction;
                    command.Prepare();
                }
            }

            command.Transaction = _transaction;
            for (int i = 0; i < parameters.Length; i++)
            {
                object? value = parameters[i].Value;
                command.Parameters[i].Value = value is string text ? StorableText(text) : value ?? DBNull.Value;
            }

            return command;
        }

        /// <summary>
        /// The text as both engines can keep it: NUL and unpaired surrogates become U+FFFD. PostgreSQL's text type
        /// holds neither and refuses the whole statement (and with it the transaction: a batch of other messages);
        /// SQLite would keep NUL and turn half a pair into U+FFFD. They reach the store only in unsigned side
        /// messages (an event's name, a refusal's reason, a status's clock state, a quarantined record's detail), so
        /// nothing signed is changed.
        /// </summary>
        public static string StorableText(string text)
        {
            int i = 0;
            while (i < text.Length && text[i] != '\0' && !char.IsSurrogate(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                return text;
            }

            var storable = new StringBuilder(text.Length);
            storable.Append(text, 0, i);
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    storable.Append(c).Append(text[i + 1]);
                    i++;
                }
                else
                {
                    storable.Append(c == '\0' || char.IsSurrogate(c) ? '\ufffd' : c);
                }
            }

            return storable.ToString();
        }
    }
}
