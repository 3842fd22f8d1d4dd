using System;
using System.Diagnostics;
using System.IO;
using System.IO.Ports;
using System.Threading;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>Serial settings of an RTU link.</summary>
    public sealed class SerialSettings
    {
        /// <summary>The port: /dev/ttyUSB0 (an RS-485 adapter), /dev/ttyAMA0, COM3, or a pseudo-terminal.</summary>
        public required string Port { get; init; }

        public int BaudRate { get; init; } = 9600;

        public Parity Parity { get; init; } = Parity.None;

        public StopBits StopBits { get; init; } = StopBits.One;

        public override string ToString()
        {
            char parity = Parity switch { Parity.Even => 'E', Parity.Odd => 'O', _ => 'N' };
            return $"{Port} {BaudRate} 8{parity}{(StopBits == StopBits.Two ? 2 : 1)}";
        }
    }

    /// <summary>
    /// Modbus RTU over a serial line (System.IO.Ports): a frame is address, PDU and CRC-16 (low byte first), and
    /// frames are separated by at least 3.5 character times of silence, which this transport keeps before every
    /// request. The end of a response is found from its length (the function and byte count say it) and checked by
    /// its CRC; inter-character gaps are not judged, because USB RS-485 adapters deliver bytes in bursts.
    /// </summary>
    public sealed class ModbusRtuTransport : IModbusTransport
    {
        private readonly SerialSettings _settings;
        private readonly SerialPort _port;
        private readonly Stopwatch _sinceTraffic = Stopwatch.StartNew();
        private readonly double _silenceMilliseconds;

        public ModbusRtuTransport(SerialSettings settings)
        {
            _settings = settings;
            _port = new SerialPort(settings.Port, settings.BaudRate, settings.Parity, 8, settings.StopBits)
            {
                Handshake = Handshake.None,
                ReadTimeout = 1000,
                WriteTimeout = 1000,
            };

            // 3.5 characters of 11 bits; above 19200 baud the specification fixes it at 1.75 ms (Modbus over serial
            // line v1.02, 2.5.1.1).
            _silenceMilliseconds = settings.BaudRate > 19200 ? 1.75 : 3.5 * 11 * 1000.0 / settings.BaudRate;
            try
            {
                _port.Open();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is InvalidOperationException)
            {
                _port.Dispose();
                throw new ModbusException(ModbusFailure.Link, $"cannot open serial port {settings}: {e.Message}", 0, e);
            }
        }

        public string Description => "RTU " + _settings;

        /// <summary>The inter-frame silence kept before each request, milliseconds.</summary>
        public double SilenceMilliseconds => _silenceMilliseconds;

        public byte[] Exchange(byte unit, byte[] requestPdu, TimeSpan timeout)
        {
            var frame = new byte[requestPdu.Length + 3];
            frame[0] = unit;
            requestPdu.CopyTo(frame, 1);
            ModbusCrc.Append(frame, requestPdu.Length + 1);
            try
            {
                KeepSilence();
                _port.DiscardInBuffer();
                _port.Write(frame, 0, frame.Length);
                _sinceTraffic.Restart();
                return ReadResponse(unit, timeout);
            }
            catch (TimeoutException)
            {
                throw new ModbusException(ModbusFailure.Timeout, $"no complete answer from unit {unit} on {Description} within {timeout.TotalMilliseconds:0} ms");
            }
            catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                throw new ModbusException(ModbusFailure.Link, $"serial port {Description} failed: {e.Message}", 0, e);
            }
        }

        private byte[] ReadResponse(byte unit, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            var head = new byte[3];
            ReadExactly(head, 0, 3, timeout, deadline);
            int pduLength = ModbusPdu.ResponseLength(head[1], head[2]);
            var frame = new byte[1 + pduLength + 2];
            head.CopyTo(frame, 0);
            ReadExactly(frame, 3, frame.Length - 3, timeout, deadline);
            _sinceTraffic.Restart();
            if (!ModbusCrc.IsIntact(frame))
            {
                ushort expected = ModbusCrc.Compute(frame.AsSpan(0, frame.Length - 2));
                ushort received = (ushort)(frame[^2] | (frame[^1] << 8));
                throw new ModbusException(ModbusFailure.Crc,
                    $"answer from unit {unit} on {Description} has CRC {received:X4}, the bytes give {expected:X4} (noise on the line, or wrong baud rate or parity)");
            }

            if (frame[0] != unit)
            {
                throw new ModbusException(ModbusFailure.Framing, $"answer on {Description} came from unit {frame[0]}, not {unit} (two devices at one address?)");
            }

            return frame.AsSpan(1, pduLength).ToArray();
        }

        private void ReadExactly(byte[] buffer, int offset, int count, TimeSpan timeout, Stopwatch elapsed)
        {
            while (count > 0)
            {
                int remaining = (int)(timeout - elapsed.Elapsed).TotalMilliseconds;
                if (remaining <= 0)
                {
                    throw new TimeoutException();
                }

                _port.ReadTimeout = remaining;
                int read = _port.Read(buffer, offset, count);
                offset += read;
                count -= read;
            }
        }

        private void KeepSilence()
        {
            double wait = _silenceMilliseconds - _sinceTraffic.Elapsed.TotalMilliseconds;
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(wait)));
            }
        }

        public void Dispose() => _port.Dispose();
    }
}
