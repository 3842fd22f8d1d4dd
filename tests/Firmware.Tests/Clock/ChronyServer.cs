using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Host;

namespace AssetMeter.Firmware.Tests.Clock
{
    /// <summary>
    /// Debian's chronyd as a real NTP server for the tests: on 127.0.0.1 at a free unprivileged port, in the
    /// foreground, from its own configuration in a temporary directory: local reference at stratum 8, no upstream
    /// servers, no command port or socket, and -x so it never adjusts the system clock. It serves the system clock,
    /// so the truth the tests compare against is DateTime.UtcNow.
    /// </summary>
    /// <remarks>
    /// CI installs chrony (tests/setup/install-test-dependencies.sh), so failing to start it is a test failure, never
    /// a skip; the exception carries the command line, the configuration and chronyd's own log.
    /// </remarks>
    internal sealed class ChronyServer : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output;
        private readonly string _directory;

        private ChronyServer(Process process, StringBuilder output, string directory, int port)
        {
            _process = process;
            _output = output;
            _directory = directory;
            Port = port;
        }

        /// <summary>The UDP port chronyd serves NTP on (127.0.0.1).</summary>
        public int Port { get; }

        /// <summary>What chronyd has logged so far.</summary>
        public string Log
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Where chronyd is installed: on the PATH, or in an sbin directory an ordinary user's PATH lacks; null if nowhere.</summary>
        public static string? FindChronyd()
        {
            var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            foreach (var directory in directories)
            {
                string candidate = Path.Combine(directory, "chronyd");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            foreach (var directory in new[] { "/usr/sbin", "/sbin", "/usr/local/sbin" })
            {
                string candidate = Path.Combine(directory, "chronyd");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>Starts chronyd and waits until it answers SNTP queries; throws with diagnostics if it does not within <paramref name="timeout"/>.</summary>
        public static ChronyServer Start(TimeSpan timeout)
        {
            string chronyd = FindChronyd()
                ?? throw new InvalidOperationException("chronyd is not installed: run tests/setup/install-test-dependencies.sh (Debian package chrony)");
            string failures = string.Empty;

            // A port found free can be taken by someone else before chronyd binds it: try a few.
            for (int attempt = 1; attempt <= 3; attempt++)
            {
                var server = TryStart(chronyd, FreeUdpPort(), timeout, out string diagnostics);
                if (server != null)
                {
                    return server;
                }

                failures += $"--- attempt {attempt} ---{Environment.NewLine}{diagnostics}{Environment.NewLine}";
            }

            throw new InvalidOperationException("chronyd did not start serving NTP on loopback:" + Environment.NewLine + failures);
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }

                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
            TryDeleteDirectory(_directory);
        }

        private static ChronyServer? TryStart(string chronyd, int port, TimeSpan timeout, out string diagnostics)
        {
            string directory = Directory.CreateTempSubdirectory("assetmeter-chronyd-").FullName;
            string config = Path.Combine(directory, "chrony.conf");
            File.WriteAllText(config, string.Join('\n', new[]
            {
                "# Written by the tests: an NTP server on loopback, never a client (no server lines), no control channel.",
                "local stratum 8",
                "allow 127.0.0.1",
                "bindaddress 127.0.0.1",
                $"port {port}",
                "cmdport 0",
                "bindcmdaddress /",
                $"pidfile {Path.Combine(directory, "chronyd.pid")}",
                $"driftfile {Path.Combine(directory, "drift")}",
                string.Empty,
            }));

            // -d: foreground, log to the terminal; -x: never touch the system clock. As root chronyd would switch to
            // its own user, which cannot read our directory: stay root. As another user, -U lets it run without root
            // (it needs no privilege for this configuration).
            var start = new ProcessStartInfo(chronyd) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-d", "-x", "-L", "0", "-f", config })
            {
                start.ArgumentList.Add(argument);
            }

            if (Environment.UserName == "root")
            {
                start.ArgumentList.Add("-u");
                start.ArgumentList.Add("root");
            }
            else
            {
                start.ArgumentList.Add("-U");
            }

            var output = new StringBuilder();
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new ChronyServer(process, output, directory, port);
            var deadline = DateTime.UtcNow + timeout;
            var client = new SntpClient(new StopwatchClock());
            SntpStatus status = SntpStatus.NoReply;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                using (var udp = new HostUdpClient("127.0.0.1", port))
                {
                    status = client.Query(udp, 200, out _);
                }

                if (status == SntpStatus.Ok)
                {
                    diagnostics = string.Empty;
                    return server;
                }

                Thread.Sleep(50);
            }

            process.WaitForExit(200);
            diagnostics = $"command: {chronyd} {string.Join(' ', start.ArgumentList)}{Environment.NewLine}"
                + (process.HasExited ? $"chronyd exited with code {process.ExitCode}" : $"no usable reply within {timeout.TotalSeconds} s (last status {status})") + Environment.NewLine
                + $"configuration:{Environment.NewLine}{File.ReadAllText(config)}"
                + $"chronyd's log:{Environment.NewLine}{server.Log}";
            server.Dispose();
            return null;
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line != null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        private static int FreeUdpPort()
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        private static void TryDeleteDirectory(string directory)
        {
            try
            {
                Directory.Delete(directory, true);
            }
            catch (IOException)
            {
                // chronyd may still be writing its drift file as it exits; a temporary directory left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
