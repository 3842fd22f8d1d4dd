using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// Debian's mosquitto broker on a free loopback port with its own configuration in a temporary directory
    /// (persistence off), stopped on dispose. A broker that does not start fails the test: CI installs it
    /// (tests/setup/install-test-dependencies.sh).
    /// </summary>
    internal sealed class Mosquitto : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();

        public Mosquitto(string directory, IEnumerable<string>? tls = null)
        {
            Port = StoreAndForwardTests.FreePort();
            var lines = new List<string>
            {
                $"listener {Port} 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "log_type notice",
            };
            if (Environment.IsPrivilegedProcess)
            {
                // Started as root, mosquitto would drop to its own user, which cannot read keys in our directory.
                lines.Add("user root");
            }

            lines.AddRange(tls ?? Array.Empty<string>());
            string config = Path.Combine(directory, "mosquitto.conf");
            File.WriteAllLines(config, lines);
            _process = Start(Executable("mosquitto"), new[] { "-c", config }, _log, _log);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!Listening())
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"mosquitto did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}): {Log}");
                }

                Thread.Sleep(20);
            }
        }

        public int Port { get; }

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

        /// <summary>mosquitto and mosquitto_sub on PATH, or in /usr/sbin where Debian puts the broker.</summary>
        public static string Executable(string name)
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/bin"))
            {
                string path = Path.Combine(directory, name);
                if (directory.Length > 0 && File.Exists(path))
                {
                    return path;
                }
            }

            Assert.Fail($"{name} is not installed: run tests/setup/install-test-dependencies.sh (Debian packages mosquitto, mosquitto-clients)");
            return name;
        }

        public static Process Start(string file, IEnumerable<string> arguments, StringBuilder output, StringBuilder error, Action<string>? onLine = null)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (output)
                    {
                        output.AppendLine(e.Data);
                    }

                    onLine?.Invoke(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (error)
                    {
                        error.AppendLine(e.Data);
                    }
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        public static void Stop(Process process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            process.Dispose();
        }

        public void Dispose() => Stop(_process);

        private bool Listening()
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>A plain <c>mosquitto_sub -v</c>: each message a line "topic payload".</summary>
    internal sealed class MosquittoSub : IDisposable
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
            _process = Mosquitto.Start(Mosquitto.Executable("mosquitto_sub"), arguments, _output, _error, line => Lines.Enqueue(line));
        }

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
            using var process = Mosquitto.Start(Mosquitto.Executable("mosquitto_sub"), arguments, output, error);
            process.WaitForExit();
            process.WaitForExit(1000);
            lock (output)
            {
                return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            }
        }

        public void Dispose() => Mosquitto.Stop(_process);
    }
}
