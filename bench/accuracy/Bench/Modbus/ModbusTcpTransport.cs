using System;
using System.IO;
using System.Net.Sockets;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>
    /// Modbus TCP: each PDU travels behind a 7-byte MBAP header (transaction id, protocol 0, length, unit id), on one
    /// TCP connection kept open and opened again after any failure. No CRC: TCP checks the bytes.
    /// </summary>
    public sealed class ModbusTcpTransport : IModbusTransport
    {
        private readonly string _host;
        private readonly int _port;
        private TcpClient? _client;
        private NetworkStream? _stream;
        private ushort _transaction;

        public ModbusTcpTransport(string host, int port = 502)
        {
            _host = host;
            _port = port;
        }

        public string Description => $"TCP {_host}:{_port}";

        public byte[] Exchange(byte unit, byte[] requestPdu, TimeSpan timeout)
        {
            ushort transaction = ++_transaction;
            var frame = new byte[7 + requestPdu.Length];
            frame[0] = (byte)(transaction >> 8);
            frame[1] = (byte)transaction;
            frame[4] = (byte)((requestPdu.Length + 1) >> 8);
            frame[5] = (byte)(requestPdu.Length + 1);
            frame[6] = unit;
            requestPdu.CopyTo(frame, 7);
            try
            {
                NetworkStream stream = Connect(timeout);
                stream.ReadTimeout = Math.Max(1, (int)timeout.TotalMilliseconds);
                stream.Write(frame);
                var header = new byte[7];
                stream.ReadExactly(header);
                int length = (header[4] << 8) | header[5];
                ushort answered = (ushort)((header[0] << 8) | header[1]);
                if (answered != transaction || header[2] != 0 || header[3] != 0 || length < 2 || length > 254 || header[6] != unit)
                {
                    Drop();
                    throw new ModbusException(ModbusFailure.Framing,
                        $"{Description} answered transaction {answered} unit {header[6]} length {length} to transaction {transaction} unit {unit}");
                }

                var pdu = new byte[length - 1];
                stream.ReadExactly(pdu);
                return pdu;
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                Drop();
                throw new ModbusException(ModbusFailure.Timeout, $"no answer from unit {unit} on {Description} within {timeout.TotalMilliseconds:0} ms");
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
            {
                Drop();
                throw new ModbusException(ModbusFailure.Link, $"{Description}: {e.Message}", 0, e);
            }
        }

        private NetworkStream Connect(TimeSpan timeout)
        {
            if (_stream != null)
            {
                return _stream;
            }

            var client = new TcpClient { NoDelay = true };
            try
            {
                if (!client.ConnectAsync(_host, _port).Wait(timeout))
                {
                    throw new ModbusException(ModbusFailure.Timeout, $"{Description}: no connection within {timeout.TotalMilliseconds:0} ms");
                }
            }
            catch (AggregateException e) when (e.InnerException is SocketException socket)
            {
                client.Dispose();
                throw new ModbusException(ModbusFailure.Link, $"{Description}: {socket.Message}", 0, socket);
            }
            catch (ModbusException)
            {
                client.Dispose();
                throw;
            }

            _client = client;
            _stream = client.GetStream();
            return _stream;
        }

        private void Drop()
        {
            _stream?.Dispose();
            _client?.Dispose();
            _stream = null;
            _client = null;
        }

        public void Dispose() => Drop();
    }
}
