using System;
using System.Net;
using System.Net.Sockets;
using AssetMeter.Firmware.Clock;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// A UDP conversation with one server (an SNTP server) over nanoFramework's lwIP sockets: bound to an
    /// ephemeral local port, then connected to the server, so that lwIP delivers only that server's datagrams.
    /// </summary>
    /// <remarks>
    /// nanoFramework's ReceiveFrom refuses a socket that is neither bound, connected nor has sent; binding first
    /// makes the order of calls irrelevant. The receive timeout is the socket's ReceiveTimeout; the wait yields to
    /// the other managed threads. Every socket failure is a SocketException carrying only ErrorCode; this class
    /// turns any failure into false or -1, as IUdpClient asks.
    /// </remarks>
    public sealed class NanoUdpClient : IUdpClient, IDisposable
    {
        private readonly Socket _socket;

        /// <summary>Opens a socket to <paramref name="server"/>:<paramref name="port"/>.</summary>
        /// <exception cref="SocketException">The socket could not be created, bound or connected.</exception>
        public NanoUdpClient(IPAddress server, int port)
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                _socket.Bind(new IPEndPoint(IPAddress.Any, 0));
                _socket.Connect(new IPEndPoint(server, port));
            }
            catch (Exception)
            {
                _socket.Close();
                throw;
            }
        }

        /// <summary>
        /// The IPv4 address of <paramref name="host"/>: parsed when it is a dotted quad, otherwise looked up (a DNS
        /// query of up to 30 s, which yields to other threads). nanoFramework has no IPAddress.TryParse, and Parse
        /// throws on a host name, so the dotted-quad test comes first.
        /// </summary>
        /// <exception cref="SocketException">The name could not be resolved.</exception>
        public static IPAddress Resolve(string host)
        {
            if (IsDottedQuad(host))
            {
                return IPAddress.Parse(host);
            }

            IPAddress[] addresses = Dns.GetHostEntry(host).AddressList;
            for (int i = 0; i < addresses.Length; i++)
            {
                if (addresses[i] != null && addresses[i].AddressFamily == AddressFamily.InterNetwork)
                {
                    return addresses[i];
                }
            }

            throw new SocketException(SocketError.HostNotFound);
        }

        /// <summary>Splits <c>host</c> or <c>host:port</c> (the form of the configuration's ntp_servers entries).</summary>
        public static string SplitHostPort(string server, int defaultPort, out int port)
        {
            port = defaultPort;
            int colon = server.LastIndexOf(':');
            if (colon <= 0 || colon == server.Length - 1)
            {
                return server;
            }

            int parsed = 0;
            for (int i = colon + 1; i < server.Length; i++)
            {
                char c = server[i];
                if (c < '0' || c > '9' || parsed > 65535)
                {
                    return server;
                }

                parsed = (parsed * 10) + (c - '0');
            }

            if (parsed < 1 || parsed > 65535)
            {
                return server;
            }

            port = parsed;
            return server.Substring(0, colon);
        }

        /// <inheritdoc />
        public bool Send(byte[] buffer, int count)
        {
            try
            {
                return _socket.Send(buffer, 0, count, SocketFlags.None) == count;
            }
            catch (Exception)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public int Receive(byte[] buffer, int timeoutMilliseconds)
        {
            try
            {
                // 0 and -1 mean "wait for ever" to nanoFramework: never pass them.
                _socket.ReceiveTimeout = timeoutMilliseconds > 0 ? timeoutMilliseconds : 1;
                return _socket.Receive(buffer, 0, buffer.Length, SocketFlags.None);
            }
            catch (Exception)
            {
                // SocketException(TimedOut) on timeout, any other SocketException on a network failure.
                return -1;
            }
        }

        /// <summary>Closes the socket.</summary>
        public void Dispose()
        {
            _socket.Close();
        }

        private static bool IsDottedQuad(string text)
        {
            int dots = 0;
            int digits = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '.')
                {
                    if (digits == 0)
                    {
                        return false;
                    }

                    dots++;
                    digits = 0;
                }
                else if (c >= '0' && c <= '9' && digits < 3)
                {
                    digits++;
                }
                else
                {
                    return false;
                }
            }

            return dots == 3 && digits > 0;
        }
    }
}
