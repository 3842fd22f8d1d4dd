using System;
using System.IO;
using System.Threading;
using AssetMeter.TestServers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Collector.Tests
{
    /// <summary>
    /// The servers the collector tests share: one PostgreSQL cluster for the whole run (started by the first test that
    /// needs it, a fresh database per test), stopped when the tests end. A cluster that cannot start fails every
    /// test that asks for it, each with the server's log.
    /// </summary>
    [TestClass]
    public sealed class SharedServers
    {
        private static readonly Lazy<PostgresServer> Cluster = new(() => PostgresServer.Start(), LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>A new, empty PostgreSQL database, as a collector store location (<c>postgres:&lt;connection string&gt;</c>).</summary>
        public static string NewPostgresStore() => "postgres:" + Cluster.Value.CreateDatabase();

        /// <summary>A temporary directory for one test.</summary>
        public static string NewDirectory(string what)
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-" + what + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return directory;
        }

        /// <summary>Deletes a test's directory, ignoring what cannot be deleted (an open SQLite file, a dying process).</summary>
        public static void Delete(string directory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        [AssemblyCleanup]
        public static void StopServers()
        {
            if (Cluster.IsValueCreated)
            {
                Cluster.Value.Dispose();
            }
        }
    }
}
