using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Npgsql;

namespace AssetMeter.TestServers
{
    /// <summary>
    /// A PostgreSQL server for tests and benchmarks. Usually a private cluster from Debian's <c>postgresql</c>
    /// package: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on a free loopback port with its socket
    /// in that directory, trust authentication; stopped and deleted on dispose or when the process is interrupted
    /// (<see cref="ExitCleanup"/>). PostgreSQL refuses to run as root, so a root process runs the server as the
    /// <c>postgres</c> user the package creates. A server that cannot start throws <see cref="TestServerException"/>
    /// with its log: CI installs the package, nothing is skipped. Or a server someone else runs
    /// (<see cref="Attach"/>), where the databases it created are dropped on dispose.
    /// </summary>
    /// <remarks>
    /// A private cluster collates text with ICU's en-GB rules, as a GB production server would, not byte by byte as
    /// SQLite does: any ordering of text left to the engine shows up as a difference between the two.
    /// </remarks>
    public sealed class PostgresServer : IDisposable
    {
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
        private readonly string? _bin;
        private readonly bool _asPostgresUser;
        private readonly string? _attached;
        private readonly List<string> _created = new();
        private IDisposable? _exitCleanup;
        private int _databases;
        private bool _stopped;

        private PostgresServer(string? directory, string? bin, bool asPostgresUser, string? attached)
        {
            Directory = directory ?? string.Empty;
            _bin = bin;
            _asPostgresUser = asPostgresUser;
            _attached = attached;
        }

        /// <summary>The private cluster's temporary directory (data, socket and log); empty for an attached server.</summary>
        public string Directory { get; }

        /// <summary>The server's TCP port (on 127.0.0.1 for a private cluster).</summary>
        public int Port { get; private set; }

        /// <summary>What it is, for a benchmark's header: version and settings, or where the attached server is.</summary>
        public string Description { get; private set; } = string.Empty;

        /// <summary>
        /// Processor time the private cluster has used so far, postmaster and backends together (what a benchmark
        /// adds to its own when the server shares the machine); zero for an attached server.
        /// </summary>
        public TimeSpan ProcessorTime
        {
            get
            {
                string file = Path.Combine(DataDirectory, "postmaster.pid");
                if (_attached != null || !File.Exists(file))
                {
                    return TimeSpan.Zero;
                }

                try
                {
                    return int.TryParse(File.ReadLines(file).First().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? TestProcess.TreeProcessorTime(pid) : TimeSpan.Zero;
                }
                catch (IOException)
                {
                    return TimeSpan.Zero;
                }
            }
        }

        /// <summary>The private cluster's log so far.</summary>
        public string Log
        {
            get
            {
                if (_attached != null)
                {
                    return "(a server this process did not start)";
                }

                string file = Path.Combine(Directory, "server.log");
                try
                {
                    return File.Exists(file) ? File.ReadAllText(file) : "(no server log)";
                }
                catch (IOException e)
                {
                    return "(server log unreadable: " + e.Message + ")";
                }
            }
        }

        /// <summary>
        /// The newest PostgreSQL installed the Debian way, <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (not on the
        /// PATH), or a directory on the PATH holding <c>initdb</c> and <c>pg_ctl</c>; null when there is none.
        /// </summary>
        public static string? FindBinaries()
        {
            if (System.IO.Directory.Exists("/usr/lib/postgresql"))
            {
                string? newest = System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                    .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")) && File.Exists(Path.Combine(d, "bin", "pg_ctl")))
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0)
                    .FirstOrDefault();
                if (newest != null)
                {
                    return Path.Combine(newest, "bin");
                }
            }

            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")))
                {
                    return directory;
                }
            }

            return null;
        }

        /// <summary>
        /// Creates and starts a private cluster. <paramref name="durable"/> false (tests): no fsync and no synchronous
        /// commit, as a test database need not survive a power cut; true (benchmarks): the server's own defaults, so
        /// that a commit costs what it costs a production server on this disk.
        /// </summary>
        public static PostgresServer Start(bool durable = false)
        {
            string bin = FindBinaries()
                ?? throw new TestServerException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run tests/setup/install-test-dependencies.sh (Debian package postgresql)");
            bool asPostgresUser = Environment.IsPrivilegedProcess;
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-postgres-" + Guid.NewGuid().ToString("N"));
            var server = new PostgresServer(directory, bin, asPostgresUser, null);
            server._exitCleanup = ExitCleanup.Register(server.Stop);
            try
            {
                server.Initialise();
                server.StartServer(durable);
                string version = File.ReadAllText(Path.Combine(server.DataDirectory, "PG_VERSION")).Trim();
                server.Description = $"private PostgreSQL {version} cluster on port {server.Port} ({(durable ? "server defaults: fsync and synchronous commit on" : "fsync off")})";
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        /// <summary>A server someone else runs, reached with <paramref name="connectionString"/> (a role that may create databases).</summary>
        public static PostgresServer Attach(string connectionString)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return new PostgresServer(null, null, false, connectionString)
            {
                Port = builder.Port,
                Description = $"PostgreSQL at {builder.Host}:{builder.Port}",
            };
        }

        /// <summary>An Npgsql connection string to <paramref name="database"/> as the superuser (or the attached role).</summary>
        public string ConnectionString(string database = "postgres")
        {
            if (_attached != null)
            {
                return new NpgsqlConnectionStringBuilder(_attached) { Database = database }.ConnectionString;
            }

            return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 15, CommandTimeout = 60 }.ConnectionString;
        }

        /// <summary>
        /// Creates a fresh, empty database (one per test keeps tests independent); returns its Npgsql connection
        /// string. <paramref name="name"/>: lower-case letters, digits and '_'; a new one when null.
        /// </summary>
        public string CreateDatabase(string? name = null)
        {
            name ??= "test_" + System.Threading.Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new ArgumentException($"database name '{name}': lower-case letters, digits and '_' only", nameof(name));
            }

            using (var connection = new NpgsqlConnection(ConnectionString(_attached != null ? new NpgsqlConnectionStringBuilder(_attached).Database ?? "postgres" : "postgres")))
            {
                connection.Open();
                using NpgsqlCommand command = connection.CreateCommand();
                command.CommandText = "CREATE DATABASE " + name;
                command.ExecuteNonQuery();
            }

            lock (_created)
            {
                _created.Add(name);
            }

            return ConnectionString(name);
        }

        private void Initialise()
        {
            if (_asPostgresUser)
            {
                // The cluster's files must belong to the user that runs the server.
                Run("mkdir", new[] { "-m", "700", Directory }, "create the cluster directory as postgres");
            }
            else
            {
                System.IO.Directory.CreateDirectory(Directory);
            }

            Run(Path.Combine(_bin!, "initdb"), new[]
            {
                "-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                "--locale-provider=icu", "--icu-locale=en-GB", "--no-sync", "--no-instructions",
            }, "initdb");
        }

        private string DataDirectory => Path.Combine(Directory, "data");

        private void StartServer(bool durable)
        {
            // The port is free when chosen but another program may take it first: try again with another.
            for (int attempt = 1; ; attempt++)
            {
                Port = TestProcess.FreePort();
                var settings = new List<string>
                {
                    "listen_addresses = '127.0.0.1'",
                    "port = " + Port.ToString(CultureInfo.InvariantCulture),
                    $"unix_socket_directories = '{Directory}'",
                    "max_connections = 300",
                };
                if (!durable)
                {
                    settings.AddRange(new[] { "fsync = off", "synchronous_commit = off", "full_page_writes = off" });
                }

                File.AppendAllLines(Path.Combine(DataDirectory, "postgresql.conf"), settings);
                (int exit, string output) = RunAs(Path.Combine(_bin!, "pg_ctl"), new[] { "-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "60", "start" });
                if (exit == 0)
                {
                    return;
                }

                string log = Log;
                if (attempt < 3 && log.Contains("could not bind", StringComparison.Ordinal))
                {
                    continue;
                }

                throw new TestServerException($"PostgreSQL did not start (pg_ctl exit {exit}): {output}\nserver log:\n{log}");
            }
        }

        private void Run(string file, IEnumerable<string> arguments, string what)
        {
            (int exit, string output) = RunAs(file, arguments);
            if (exit != 0)
            {
                throw new TestServerException($"PostgreSQL cluster: {what} failed (exit {exit}): {output}");
            }
        }

        // As the postgres user when we are root (PostgreSQL will not run as root), otherwise as ourselves.
        private (int ExitCode, string Output) RunAs(string file, IEnumerable<string> arguments)
        {
            if (!_asPostgresUser)
            {
                return TestProcess.Run(file, arguments, CommandTimeout);
            }

            var wrapped = new List<string> { "-u", "postgres", "--", file };
            wrapped.AddRange(arguments);
            return TestProcess.Run(TestProcess.Executable("runuser", "util-linux"), wrapped, CommandTimeout);
        }

        /// <summary>
        /// A private cluster: stops the server at once (no checkpoint: the data is thrown away) and deletes it. An
        /// attached server: drops the databases this instance created.
        /// </summary>
        public void Dispose()
        {
            Stop();
            _exitCleanup?.Dispose();
        }

        private void Stop()
        {
            lock (_created)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
            }

            NpgsqlConnection.ClearAllPools();
            if (_attached != null)
            {
                DropCreated();
                return;
            }

            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                RunAs(Path.Combine(_bin!, "pg_ctl"), new[] { "-D", DataDirectory, "-m", "immediate", "-w", "stop" });
            }

            try
            {
                System.IO.Directory.Delete(Directory, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private void DropCreated()
        {
            foreach (string name in _created)
            {
                try
                {
                    using var connection = new NpgsqlConnection(ConnectionString(new NpgsqlConnectionStringBuilder(_attached!).Database ?? "postgres"));
                    connection.Open();
                    using NpgsqlCommand command = connection.CreateCommand();
                    command.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
                    command.ExecuteNonQuery();
                }
                catch (NpgsqlException)
                {
                    // Left behind; its name says what it was.
                }
            }
        }
    }
}
