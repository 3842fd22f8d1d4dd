using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace AssetMeter.TestServers
{
    /// <summary>
    /// Debian's mosquitto broker on a free loopback port with its own configuration in a temporary directory
    /// (persistence off), stopped on dispose or when the process is interrupted (<see cref="ExitCleanup"/>). A broker
    /// that does not start throws <see cref="TestServerException"/> with its log: CI installs it
    /// (tests/setup/install-test-dependencies.sh). Mosquitto speaks MQTT 5, shared subscriptions included, and serves
    /// every connection from one thread: its <see cref="ProcessorTime"/> beside the wall time says when the broker is
    /// what limits.
    /// </summary>
    public sealed class Mosquitto : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();
        private readonly string? _ownDirectory;
        private readonly IDisposable _exitCleanup;
        private bool _stopped;

        /// <param name="directory">Where its configuration goes (the caller's temporary directory); null for one of its own, deleted on dispose.</param>
        /// <param name="extra">Extra configuration lines (a TLS listener, queue limits).</param>
        /// <param name="notices">Log notices (every connection) as well as errors and warnings.</param>
        public Mosquitto(string? directory = null, IEnumerable<string>? extra = null, bool notices = true)
        {
            if (directory == null)
            {
                directory = Path.Combine(Path.GetTempPath(), "assetmeter-mosquitto-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(directory);
                _ownDirectory = directory;
            }

            Port = TestProcess.FreePort();
            var lines = new List<string>
            {
                $"listener {Port} 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
            };
            if (notices)
            {
                lines.Add("log_type notice");
            }

            if (Environment.IsPrivilegedProcess)
            {
                // Started as root, mosquitto would drop to its own user, which cannot read keys in our directory.
                lines.Add("user root");
            }

            lines.AddRange(extra ?? Array.Empty<string>());
            string config = Path.Combine(directory, "mosquitto.conf");
            File.WriteAllLines(config, lines);
            _process = TestProcess.Start(Executable("mosquitto"), new[] { "-c", config }, _log, _log);
            _exitCleanup = ExitCleanup.Register(Stop);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!TestProcess.Listening(Port))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    string why = $"mosquitto did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}): {Log}";
                    Dispose();
                    throw new TestServerException(why);
                }

                Thread.Sleep(20);
            }
        }

        /// <summary>The broker's address: loopback.</summary>
        public string Host => "127.0.0.1";

        /// <summary>The broker's port on 127.0.0.1.</summary>
        public int Port { get; }

        /// <summary>What the broker has logged (errors, warnings and, unless turned off, notices).</summary>
        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        /// <summary>Processor time mosquitto has used so far (user and system).</summary>
        public TimeSpan ProcessorTime
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        /// <summary>mosquitto and mosquitto_sub on PATH, or in /usr/sbin where Debian puts the broker.</summary>
        public static string Executable(string name) => TestProcess.Executable(name, name == "mosquitto" ? "mosquitto" : "mosquitto-clients");

        /// <summary>mosquitto's version line (<c>mosquitto version 2.0.11</c>), or null when it is not installed.</summary>
        public static string? Version()
        {
            string? path = TestProcess.Find("mosquitto");
            if (path == null)
            {
                return null;
            }

            (_, string output) = TestProcess.Run(path, new[] { "-h" }, TimeSpan.FromSeconds(10));
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("mosquitto version", StringComparison.Ordinal));
        }

        public void Dispose()
        {
            Stop();
            _exitCleanup?.Dispose();
        }

        private void Stop()
        {
            lock (_log)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
            }

            TestProcess.Stop(_process);
            if (_ownDirectory != null)
            {
                try
                {
                    Directory.Delete(_ownDirectory, true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>A plain <c>mosquitto_sub -v</c>: each message a line "topic payload".</summary>
    public sealed class MosquittoSub : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();

        public MosquittoSub(int port, IEnumerable<string> topics, IEnumerable<string>? extra = null)
        {
            var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-v", "-q", "1" };
            foreach (string topic in topics)
            {
                arguments.Add("-t");
                arguments.Add(topic);
            }

            arguments.AddRange(extra ?? Array.Empty<string>());
            _process = TestProcess.Start(Mosquitto.Executable("mosquitto_sub"), arguments, _output, _error, line => Lines.Enqueue(line));
        }

        /// <summary>Every line received so far.</summary>
        public ConcurrentQueue<string> Lines { get; } = new();

        public Process Process => _process;

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        /// <summary>The payloads of the lines on <paramref name="topic"/>, in order.</summary>
        public List<string> On(string topic) => Lines.Where(l => l.StartsWith(topic + " ", StringComparison.Ordinal)).Select(l => l[(topic.Length + 1)..]).ToList();

        /// <summary>What a late subscriber is given at once: the retained messages, read with <c>--retained-only</c>.</summary>
        public static List<string> Retained(int port, IEnumerable<string> topics, IEnumerable<string>? extra = null)
        {
            var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-v", "--retained-only", "-W", "2" };
            foreach (string topic in topics)
            {
                arguments.Add("-t");
                arguments.Add(topic);
            }

            arguments.AddRange(extra ?? Array.Empty<string>());
            var output = new StringBuilder();
            var error = new StringBuilder();
            using var process = TestProcess.Start(Mosquitto.Executable("mosquitto_sub"), arguments, output, error);
            process.WaitForExit();
            process.WaitForExit(1000);
            lock (output)
            {
                return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            }
        }

        public void Dispose() => TestProcess.Stop(_process);
    }
}
