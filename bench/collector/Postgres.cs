using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Npgsql;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// A PostgreSQL server for the benchmark: the one named by a connection string, or else a throwaway cluster
    /// (initdb in a temporary directory, a free loopback port, server defaults) when PostgreSQL is installed. Every
    /// measurement gets a database of its own, dropped afterwards.
    /// </summary>
    internal sealed class Postgres : IDisposable
    {
        private readonly string _adminConnectionString;
        private readonly string? _directory;
        private readonly string? _pgCtl;
        private readonly List<string> _databases = new();
        private readonly IDisposable? _exitCleanup;

        private Postgres(string adminConnectionString, string description, string? directory, string? pgCtl)
        {
            _adminConnectionString = adminConnectionString;
            Description = description;
            _directory = directory;
            _pgCtl = pgCtl;
            if (pgCtl != null && directory != null)
            {
                _exitCleanup = ExitCleanup.Register(StopThrowaway);
            }
        }

        public string Description { get; }

        /// <summary>The server behind <paramref name="connectionString"/>, or a throwaway one; null with the reason when there is none.</summary>
        public static Postgres? Open(string? connectionString, out string why)
        {
            why = string.Empty;
            if (connectionString != null)
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                return new Postgres(connectionString, $"PostgreSQL at {builder.Host}:{builder.Port}", null, null);
            }

            string? bin = BinDirectory();
            if (bin == null)
            {
                why = "no connection string given (--postgres \"Host=...;Username=...\") and no PostgreSQL installed (initdb not found)";
                return null;
            }

            string directory = Path.Combine(Path.GetTempPath(), "collector-bench-pg-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            int port = Mosquitto.FreePort();
            string data = Path.Combine(directory, "data");
            string pgCtl = Path.Combine(bin, "pg_ctl");
            try
            {
                // PostgreSQL refuses to run as root: run it as the postgres user, in a directory it owns.
                if (Environment.IsPrivilegedProcess)
                {
                    Run("chown", "-R", "postgres", directory);
                }

                RunAs(Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "bench", "--no-sync", "-E", "UTF8");
                RunAs(pgCtl, "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
                    "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1", "start");
            }
            catch (InvalidOperationException e)
            {
                why = "could not start a throwaway PostgreSQL: " + e.Message;
                return null;
            }

            string version = File.ReadAllText(Path.Combine(data, "PG_VERSION")).Trim();
            return new Postgres($"Host=127.0.0.1;Port={port};Username=bench;Database=postgres", $"throwaway PostgreSQL {version} (server defaults) on port {port}", directory, pgCtl);
        }

        /// <summary>A new empty database: its store location for the collector.</summary>
        public string NewDatabase()
        {
            string name = "collector_bench_" + Guid.NewGuid().ToString("N").Substring(0, 12);
            using (var connection = new NpgsqlConnection(_adminConnectionString))
            {
                connection.Open();
                using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                command.ExecuteNonQuery();
            }

            _databases.Add(name);
            var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name };
            return "postgres:" + builder.ConnectionString;
        }

        public void Dispose()
        {
            NpgsqlConnection.ClearAllPools();
            if (_exitCleanup != null)
            {
                StopThrowaway();
                _exitCleanup.Dispose();
                return;
            }

            foreach (string name in _databases)
            {
                try
                {
                    using var connection = new NpgsqlConnection(_adminConnectionString);
                    connection.Open();
                    using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                    command.ExecuteNonQuery();
                }
                catch (NpgsqlException)
                {
                    // Left behind; its name says what it was.
                }
            }
        }

        private void StopThrowaway()
        {
            try
            {
                RunAs(_pgCtl!, "-D", Path.Combine(_directory!, "data"), "-m", "immediate", "stop");
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                Directory.Delete(_directory!, true);
            }
            catch (IOException)
            {
            }
        }

        private static string? BinDirectory()
        {
            var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Where(d => d.Length > 0).ToList();
            if (Directory.Exists("/usr/lib/postgresql"))
            {
                candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal).Select(d => Path.Combine(d, "bin")));
            }

            return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        }

        private static void RunAs(string file, params string[] arguments)
        {
            if (Environment.IsPrivilegedProcess)
            {
                Run("runuser", new[] { "-u", "postgres", "--", file }.Concat(arguments).ToArray());
            }
            else
            {
                Run(file, arguments);
            }
        }

        private static void Run(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException(file + " did not start");
            string output = process.StandardOutput.ReadToEndAsync().Result;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} exited {process.ExitCode}: {error.Trim()} {output.Trim()}");
            }
        }
    }
}
