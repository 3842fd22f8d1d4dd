using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Npgsql;

namespace AssetMeter.TestServers
{
    /// <summary>
    /// A private PostgreSQL cluster from Debian's <c>postgresql</c> package: <c>initdb</c> into a temporary directory,
    /// <c>pg_ctl start</c> on a free loopback port with its socket in that directory, trust authentication, and no
    /// fsync (a test database need not survive a power cut). Stopped and deleted on dispose. PostgreSQL refuses to
    /// run as root, so a root test process runs the server as the <c>postgres</c> user the package creates.
    /// A server that cannot start fails the test with its log: CI installs the package, nothing is skipped.
    /// </summary>
    /// <remarks>
    /// The cluster collates text with ICU's en-GB rules, as a GB production server would, not byte by byte as SQLite
    /// does: any ordering of text left to the engine shows up as a difference between the two.
    /// </remarks>
    public sealed class PostgresServer : IDisposable
    {
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
        private readonly string _bin;
        private readonly bool _asPostgresUser;
        private int _databases;
        private bool _stopped;

        private PostgresServer(string directory, string bin, bool asPostgresUser)
        {
            Directory = directory;
            _bin = bin;
            _asPostgresUser = asPostgresUser;
        }

        /// <summary>The cluster's temporary directory (data, socket and log).</summary>
        public string Directory { get; }

        /// <summary>The server's TCP port on 127.0.0.1.</summary>
        public int Port { get; private set; }

        /// <summary>The server's log so far.</summary>
        public string Log
        {
            get
            {
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

        /// <summary>Creates and starts a cluster; fails the test, with initdb's output and the server's log, if it cannot.</summary>
        public static PostgresServer Start()
        {
            string? bin = FindBinaries();
            if (bin == null)
            {
                Assert.Fail("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run tests/setup/install-test-dependencies.sh (Debian package postgresql)");
            }

            bool asPostgresUser = Environment.IsPrivilegedProcess;
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-postgres-" + Guid.NewGuid().ToString("N"));
            var server = new PostgresServer(directory, bin!, asPostgresUser);
            try
            {
                server.Initialise();
                server.StartServer();
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        /// <summary>An Npgsql connection string to <paramref name="database"/> as the superuser.</summary>
        public string ConnectionString(string database = "postgres")
            => new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 15, CommandTimeout = 60 }.ConnectionString;

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

            using (var connection = new NpgsqlConnection(ConnectionString()))
            {
                connection.Open();
                using NpgsqlCommand command = connection.CreateCommand();
                command.CommandText = "CREATE DATABASE " + name;
                command.ExecuteNonQuery();
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

            Run(Path.Combine(_bin, "initdb"), new[]
            {
                "-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                "--locale-provider=icu", "--icu-locale=en-GB", "--no-sync", "--no-instructions",
            }, "initdb");
        }

        private string DataDirectory => Path.Combine(Directory, "data");

        private void StartServer()
        {
            // The port is free when chosen but another program may take it first: try again with another.
            for (int attempt = 1; ; attempt++)
            {
                Port = TestProcess.FreePort();
                File.AppendAllLines(Path.Combine(DataDirectory, "postgresql.conf"), new[]
                {
                    "listen_addresses = '127.0.0.1'",
                    "port = " + Port.ToString(CultureInfo.InvariantCulture),
                    $"unix_socket_directories = '{Directory}'",
                    "fsync = off",
                    "synchronous_commit = off",
                    "full_page_writes = off",
                    "max_connections = 300",
                });
                (int exit, string output) = RunAs(Path.Combine(_bin, "pg_ctl"), new[] { "-D", DataDirectory, "-l", Path.Combine(Directory, "server.log"), "-w", "-t", "60", "start" });
                if (exit == 0)
                {
                    return;
                }

                string log = Log;
                if (attempt < 3 && log.Contains("could not bind", StringComparison.Ordinal))
                {
                    continue;
                }

                Assert.Fail($"PostgreSQL did not start (pg_ctl exit {exit}): {output}\nserver log:\n{log}");
            }
        }

        private void Run(string file, IEnumerable<string> arguments, string what)
        {
            (int exit, string output) = RunAs(file, arguments);
            if (exit != 0)
            {
                Assert.Fail($"PostgreSQL cluster: {what} failed (exit {exit}): {output}");
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

        /// <summary>Stops the server at once (no checkpoint: the data is thrown away) and deletes the cluster.</summary>
        public void Dispose()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            NpgsqlConnection.ClearAllPools();
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                RunAs(Path.Combine(_bin, "pg_ctl"), new[] { "-D", DataDirectory, "-m", "immediate", "-w", "stop" });
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
    }
}
