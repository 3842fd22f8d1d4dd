using System;
using System.Net;
using System.Net.Sockets;
using AssetMeter.Firmware.Clock;

namespace AssetMeter.Firmware.Host
{
    /// <summary>A real UDP socket to one server (an SNTP server), for the virtual meter and the integration tests.</summary>
    public sealed class HostUdpClient : IUdpClient, IDisposable
    {
        private readonly Socket _socket;
        private readonly EndPoint _server;

        /// <summary>Resolves <paramref name="host"/> and opens a socket to it.</summary>
        public HostUdpClient(string host, int port)
        {
            var address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host)[0];
            _server = new IPEndPoint(address, port);
            _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            _socket.Connect(_server);
        }

        public bool Send(byte[] buffer, int count)
        {
            try
            {
                return _socket.Send(buffer, 0, count, SocketFlags.None) == count;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        public int Receive(byte[] buffer, int timeoutMilliseconds)
        {
            try
            {
                _socket.ReceiveTimeout = timeoutMilliseconds;
                return _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return -1;
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    /// <summary>Monotonic ticks from the host's high-resolution counter.</summary>
    public sealed class StopwatchClock : IMonotonicClock
    {
        private readonly long _origin = System.Diagnostics.Stopwatch.GetTimestamp();

        public long Ticks => (long)((System.Diagnostics.Stopwatch.GetTimestamp() - _origin) * (10_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
    }

    /// <summary>A monotonic counter moved by hand (simulations and accelerated runs).</summary>
    public sealed class SimulatedClock : IMonotonicClock
    {
        public SimulatedClock(long start = 10_000_000)
        {
            Ticks = start;
        }

        public long Ticks { get; private set; }

        public void Advance(long ticks)
        {
            if (ticks < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ticks), "monotonic time never goes back");
            }

            Ticks += ticks;
        }
    }
}
