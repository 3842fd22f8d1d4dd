using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>
    /// Two connected pseudo-terminals made by socat (Debian package socat): what one end writes the other reads, as on
    /// an RS-485 pair, so the Modbus RTU client runs on a real serial device (termios, System.IO.Ports) here.
    /// </summary>
    public sealed class SocatPair : IDisposable
    {
        private readonly Process _socat;
        private readonly string _directory;

        private SocatPair(Process socat, string directory, string bench, string reference)
        {
            _socat = socat;
            _directory = directory;
            BenchEnd = bench;
            ReferenceEnd = reference;
        }

        /// <summary>The device the bench opens (the RS-485 adapter's place).</summary>
        public string BenchEnd { get; }

        /// <summary>The device the emulated reference listens on.</summary>
        public string ReferenceEnd { get; }

        public static SocatPair Start(string directory)
        {
            Directory.CreateDirectory(directory);
            string bench = Path.Combine(directory, "bench-tty");
            string reference = Path.Combine(directory, "reference-tty");
            var start = new ProcessStartInfo("socat")
            {
                ArgumentList = { "-d", "-d", $"pty,raw,echo=0,link={bench}", $"pty,raw,echo=0,link={reference}" },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            Process socat;
            try
            {
                socat = Process.Start(start) ?? throw new InvalidOperationException("socat did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("socat is needed for the emulated RS-485 line (apt-get install socat, or bash tests/setup/install-test-dependencies.sh): " + e.Message, e);
            }

            socat.ErrorDataReceived += (_, _) => { };
            socat.BeginErrorReadLine();
            var wait = Stopwatch.StartNew();
            while (!(File.Exists(bench) && File.Exists(reference)))
            {
                if (socat.HasExited || wait.Elapsed > TimeSpan.FromSeconds(10))
                {
                    socat.Dispose();
                    throw new InvalidOperationException("socat did not make the pseudo-terminal pair");
                }

                Thread.Sleep(20);
            }

            return new SocatPair(socat, directory, Resolve(bench), Resolve(reference));
        }

        private static string Resolve(string link) => File.ResolveLinkTarget(link, true)?.FullName ?? link;

        public void Dispose()
        {
            try
            {
                if (!_socat.HasExited)
                {
                    _socat.Kill();
                    _socat.WaitForExit(2000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _socat.Dispose();
        }
    }
}
