using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssetMeter.TestServers
{
    /// <summary>
    /// A server or program the tests and benchmarks need could not be found or started; the message says why (the
    /// Debian package to install, the server's log). Any test framework reports it as the test's failure.
    /// </summary>
    public sealed class TestServerException : Exception
    {
        public TestServerException(string message)
            : base(message)
        {
        }
    }

    /// <summary>Starting, watching and stopping the programs the tests and benchmarks run (servers, clients, our own executables).</summary>
    public static class TestProcess
    {
        /// <summary>
        /// A program on the PATH, or in the sbin directories where Debian puts daemons (mosquitto, chronyd) and an
        /// ordinary user's PATH does not reach. Throws <see cref="TestServerException"/>, naming the Debian package, when it is nowhere.
        /// </summary>
        public static string Executable(string name, string package)
            => Find(name) ?? throw new TestServerException($"{name} is not installed: run tests/setup/install-test-dependencies.sh (Debian package {package})");

        /// <summary>The program's path (PATH, then the sbin directories), or null when it is not installed.</summary>
        public static string? Find(string name)
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/bin").Append("/sbin"))
            {
                string path = Path.Combine(directory, name);
                if (directory.Length > 0 && File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }

        /// <summary>
        /// Processor time of process <paramref name="pid"/> and every process under it (a server and its workers:
        /// PostgreSQL's backends), from /proc; children already gone count through their parent's reaped time. Zero
        /// where there is no /proc or the process is gone.
        /// </summary>
        public static TimeSpan TreeProcessorTime(int pid)
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; utime, stime, cutime, cstime are fields 14 to 17, in
            // clock ticks (USER_HZ, 100 on Linux).
            var parents = new Dictionary<int, int>();
            var ticks = new Dictionary<int, long>();
            foreach (string directory in System.IO.Directory.Exists("/proc") ? System.IO.Directory.GetDirectories("/proc") : Array.Empty<string>())
            {
                if (!int.TryParse(Path.GetFileName(directory), out int id))
                {
                    continue;
                }

                try
                {
                    string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');

                    // fields[0] is the state (field 3), so field k is fields[k - 3].
                    parents[id] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                    ticks[id] = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)
                        + long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
                {
                    // Gone meanwhile.
                }
            }

            long total = 0;
            foreach ((int id, long t) in ticks)
            {
                for (int up = id; ; up = parents[up])
                {
                    if (up == pid)
                    {
                        total += t;
                        break;
                    }

                    if (!parents.ContainsKey(up) || parents[up] == up || parents[up] <= 1)
                    {
                        break;
                    }
                }
            }

            return TimeSpan.FromMilliseconds(total * 10);
        }

        /// <summary>Starts <paramref name="file"/>, collecting its output line by line into <paramref name="output"/> and <paramref name="error"/> (locked while written).</summary>
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

        /// <summary>Runs a program to its end (at most <paramref name="timeout"/>); returns its exit code (-1 when it had to be killed) and everything it printed.</summary>
        public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout)
        {
            var output = new StringBuilder();
            using Process process = Start(file, arguments, output, output);
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                lock (output)
                {
                    return (-1, output + $"\n(killed after {timeout.TotalSeconds:0} s)");
                }
            }

            // The parameterless wait also waits for the redirected output to be read to its end.
            process.WaitForExit();
            lock (output)
            {
                return (process.ExitCode, output.ToString());
            }
        }

        /// <summary>Kills a process (and its children) if it is still running, and waits for it.</summary>
        public static void Stop(Process process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
            process.Dispose();
        }

        /// <summary>A TCP port free on loopback now (another program may take it before the server does: servers retry).</summary>
        public static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
        public static bool Listening(int port)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
