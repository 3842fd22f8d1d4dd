using System;
using System.Net;
using System.Threading;
using AssetMeter.Firmware.Clock;
using AssetMeter.Firmware.Mqtt;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// Asks the configured SNTP servers for the time every 64 s on a thread of its own, and hands the best sample
    /// of each burst to the meter, which disciplines its own clock (ClockDiscipline) from it.
    /// </summary>
    /// <remarks>
    /// <para>nanoFramework's ESP32 firmware also starts its own SNTP client (pool.ntp.org, hourly) on every IP
    /// address it obtains, and that client steps the system clock (DateTime.UtcNow). The meter does not use the
    /// system clock for metering: periods, records and commands all run on the meter's clock over the monotonic
    /// esp_timer. The built-in client is deliberately left running: TLS certificate checks (mbedTLS with
    /// MBEDTLS_HAVE_TIME_DATE) read the system clock, and stopping it (nanoFramework.Networking.Sntp.Stop, a package
    /// this project does not otherwise need) would last only until the next address change, which restarts it.
    /// <see cref="SystemClockFollower"/> keeps the system clock right where pool.ntp.org is unreachable.</para>
    /// <para>Servers are tried in the configured order until one gives a sample. 64 s is the NTP minimum poll
    /// interval; until the first sample arrives, and after a round in which no server answered, the next round
    /// comes after 16 s instead.</para>
    /// </remarks>
    internal sealed class SntpPoller
    {
        /// <summary>Interval between bursts once synchronised, ms.</summary>
        public const int PollMilliseconds = 64000;

        /// <summary>Interval between rounds while no server has answered, ms.</summary>
        public const int RetryMilliseconds = 16000;

        /// <summary>Per-query wait for a reply, ms.</summary>
        public const int ReplyTimeoutMilliseconds = 1000;

        private const int NtpPort = 123;

        private readonly string[] _servers;
        private readonly IMonotonicClock _monotonic;
        private readonly MeterApplication _meter;
        private readonly WifiLink _network;
        private Thread _thread;

        public SntpPoller(string[] servers, IMonotonicClock monotonic, MeterApplication meter, WifiLink network)
        {
            _servers = servers;
            _monotonic = monotonic;
            _meter = meter;
            _network = network;
        }

        /// <summary>Starts the SNTP thread.</summary>
        public void Start()
        {
            _thread = new Thread(Run);
            _thread.Start();
        }

        private void Run()
        {
            SntpClient client = new SntpClient(_monotonic);
            bool everAnswered = false;
            while (true)
            {
                if (!_network.IsUp)
                {
                    Thread.Sleep(2000);
                    continue;
                }

                bool answered = false;
                for (int i = 0; i < _servers.Length && !answered; i++)
                {
                    answered = Ask(client, _servers[i]);
                }

                if (answered && !everAnswered)
                {
                    Log.Write("SNTP: first sample handed to the meter");
                }

                everAnswered |= answered;
                Thread.Sleep(answered ? PollMilliseconds : RetryMilliseconds);
            }
        }

        private bool Ask(SntpClient client, string server)
        {
            try
            {
                int port;
                string host = NanoUdpClient.SplitHostPort(server, NtpPort, out port);
                IPAddress address = NanoUdpClient.Resolve(host);
                using (NanoUdpClient udp = new NanoUdpClient(address, port))
                {
                    SntpSample sample;
                    if (client.Burst(udp, ReplyTimeoutMilliseconds, out sample))
                    {
                        _meter.SubmitTimeSample(sample);
                        return true;
                    }
                }

                Log.Write("SNTP: no usable reply from " + server + " (last status " + ((int)client.LastStatus).ToString() + ")");
            }
            catch (Exception e)
            {
                // Name resolution or socket failure: the next server, or the next round.
                Log.Write("SNTP: " + server + ": " + e.Message);
            }

            return false;
        }
    }
}
