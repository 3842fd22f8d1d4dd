using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace AssetMeter.Bench.CollectorLoad
{
    /// <summary>
    /// Debian's mosquitto on a free loopback port with its own configuration in a temporary directory, stopped on
    /// dispose (the pattern of tests/Firmware.Tests/Protocol/Mosquitto.cs). Mosquitto serves every connection from
    /// one thread: its processor time, read beside the wall time, says when the broker is what limits.
    /// </summary>
    internal sealed class Mosquitto : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();
        private readonly string _directory;
        private readonly IDisposable _exitCleanup;

        /// <param name="queuedMessages">
        /// Messages mosquitto may queue per subscriber beyond those in flight. Its default (1000) would drop QoS 1
        /// records a collector has not taken yet when a whole fleet publishes at once; a fleet's broker must hold a
        /// boundary's worth, so the benchmark sets it from the fleet size.
        /// </param>
        public Mosquitto(int queuedMessages)
        {
            _directory = Path.Combine(Path.GetTempPath(), "collector-bench-mosquitto-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_directory);
            Port = FreePort();
            var lines = new List<string>
            {
                $"listener {Port} 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                $"max_queued_messages {queuedMessages}",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
            };
            if (Environment.IsPrivilegedProcess)
            {
                // Started as root, mosquitto would switch to its own user, which may not read our directory.
                lines.Add("user root");
            }

            string config = Path.Combine(_directory, "mosquitto.conf");
            File.WriteAllLines(config, lines);
            var start = new ProcessStartInfo(Executable("mosquitto")) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(config);
            _process = Process.Start(start)!;
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
            _exitCleanup = ExitCleanup.Register(Stop);
            DateTime deadline = DateTime.UtcNow.AddSeconds(15);
            while (!Listening())
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"mosquitto did not start: {Log}");
                }

                Thread.Sleep(20);
            }
        }

        public string Host => "127.0.0.1";

        public int Port { get; }

        /// <summary>What mosquitto wrote (errors and warnings, such as dropped messages).</summary>
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

        /// <summary>mosquitto's version line, or null when it is not installed.</summary>
        public static string? Version()
        {
            string? path = Find("mosquitto");
            if (path == null)
            {
                return null;
            }

            var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-h");
            using Process process = Process.Start(start)!;
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        }

        public static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            Stop();
            _exitCleanup.Dispose();
            _process.Dispose();
        }

        // Debian installs the broker in /usr/sbin, which is not on an ordinary user's PATH.
        private static string? Find(string name)
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
            {
                if (directory.Length > 0 && File.Exists(Path.Combine(directory, name)))
                {
                    return Path.Combine(directory, name);
                }
            }

            return File.Exists("/usr/sbin/" + name) ? "/usr/sbin/" + name : null;
        }

        private static string Executable(string name)
            => Find(name) ?? throw new InvalidOperationException($"{name} is not installed: run tests/setup/install-test-dependencies.sh");

        private void Append(string? line)
        {
            if (line != null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }

        private void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit();
            try
            {
                Directory.Delete(_directory, true);
            }
            catch (IOException)
            {
            }
        }

        private bool Listening()
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(Host, Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
