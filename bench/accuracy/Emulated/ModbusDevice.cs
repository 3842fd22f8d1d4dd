using System;
using System.IO;
using System.IO.Ports;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using AssetMeter.Bench.Modbus;

namespace AssetMeter.Bench.Emulated
{
    /// <summary>Faults the emulated reference's Modbus side can be told to make (counts are used up one answer at a time).</summary>
    public sealed class ModbusFaults
    {
        private int _corruptCrc;
        private int _silent;
        private int _exceptions;

        /// <summary>The next <paramref name="answers"/> RTU answers have a damaged CRC.</summary>
        public void CorruptCrc(int answers) => Interlocked.Exchange(ref _corruptCrc, answers);

        /// <summary>The next <paramref name="requests"/> get no answer (a timeout at the master).</summary>
        public void Silence(int requests) => Interlocked.Exchange(ref _silent, requests);

        /// <summary>The next <paramref name="requests"/> are answered with exception <paramref name="code"/>.</summary>
        public void Exception(byte code, int requests)
        {
            ExceptionCode = code;
            Interlocked.Exchange(ref _exceptions, requests);
        }

        /// <summary>While true the device answers nothing at all: a reference that is missing, off or unplugged.</summary>
        public bool Absent { get; set; }

        public byte ExceptionCode { get; private set; }

        internal bool TakeSilence() => Absent || Take(ref _silent);

        internal bool TakeCorruptCrc() => Take(ref _corruptCrc);

        internal bool TakeException() => Take(ref _exceptions);

        private static bool Take(ref int counter)
        {
            while (true)
            {
                int value = Volatile.Read(ref counter);
                if (value <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref counter, value - 1, value) == value)
                {
                    return true;
                }
            }
        }
    }

    /// <summary>
    /// The Modbus server side of the emulated reference: answers FC03 and FC04 from the instrument's registers (read
    /// under the simulation's lock, so both links see one instant) and makes the faults it is told to.
    /// </summary>
    public sealed class ModbusDevice
    {
        private readonly EmulatedReferenceInstrument _instrument;
        private readonly object _gate;

        public ModbusDevice(EmulatedReferenceInstrument instrument, object gate, byte unit)
        {
            _instrument = instrument;
            _gate = gate;
            Unit = unit;
        }

        public byte Unit { get; }

        public ModbusFaults Faults { get; } = new();

        /// <summary>Requests answered (any link).</summary>
        public long Answered => Interlocked.Read(ref _answered);

        private long _answered;

        /// <summary>The response PDU to <paramref name="request"/>, or null for no answer.</summary>
        public byte[]? Answer(ReadOnlySpan<byte> request)
        {
            if (Faults.TakeSilence() || request.Length < 1)
            {
                return null;
            }

            byte function = request[0];
            if (Faults.TakeException())
            {
                return new[] { (byte)(function | 0x80), Faults.ExceptionCode };
            }

            if ((function != ModbusPdu.ReadHoldingRegisters && function != ModbusPdu.ReadInputRegisters) || request.Length != 5)
            {
                return new[] { (byte)(function | 0x80), (byte)1 };
            }

            int address = (request[1] << 8) | request[2];
            int count = (request[3] << 8) | request[4];
            if (count < 1 || count > ModbusPdu.MaximumRegisters)
            {
                return new[] { (byte)(function | 0x80), (byte)3 };
            }

            ushort[] words;
            try
            {
                lock (_gate)
                {
                    words = function == ModbusPdu.ReadInputRegisters ? _instrument.InputRegisters(address, count) : _instrument.HoldingRegisters(address, count);
                }
            }
            catch (ModbusException e)
            {
                return new[] { (byte)(function | 0x80), e.ExceptionCode };
            }

            var response = new byte[2 + (2 * count)];
            response[0] = function;
            response[1] = (byte)(2 * count);
            for (int i = 0; i < count; i++)
            {
                response[2 + (2 * i)] = (byte)(words[i] >> 8);
                response[3 + (2 * i)] = (byte)words[i];
            }

            Interlocked.Increment(ref _answered);
            return response;
        }
    }

    /// <summary>The device as an RTU slave on a serial port (here the reference end of a socat pseudo-terminal pair).</summary>
    public sealed class ModbusRtuServer : IDisposable
    {
        private readonly ModbusDevice _device;
        private readonly SerialPort _port;
        private readonly Thread _thread;
        private volatile bool _stop;

        public ModbusRtuServer(ModbusDevice device, string port, int baudRate)
        {
            _device = device;
            _port = new SerialPort(port, baudRate, Parity.None, 8, StopBits.One) { ReadTimeout = 100 };
            _port.Open();
            _thread = new Thread(Serve) { IsBackground = true, Name = "emulated reference RTU" };
            _thread.Start();
        }

        private void Serve()
        {
            var frame = new byte[8];
            while (!_stop)
            {
                try
                {
                    // Requests for FC03/FC04 are 8 bytes: address, function, start, count, CRC.
                    if (!ReadFrame(frame))
                    {
                        continue;
                    }

                    if (!ModbusCrc.IsIntact(frame) || frame[0] != _device.Unit)
                    {
                        _port.DiscardInBuffer();
                        continue;
                    }

                    byte[]? pdu = _device.Answer(frame.AsSpan(1, 5));
                    if (pdu == null)
                    {
                        continue;
                    }

                    var answer = new byte[pdu.Length + 3];
                    answer[0] = _device.Unit;
                    pdu.CopyTo(answer, 1);
                    ModbusCrc.Append(answer, pdu.Length + 1);
                    if (_device.Faults.TakeCorruptCrc())
                    {
                        answer[^1] ^= 0x5A;
                    }

                    _port.Write(answer, 0, answer.Length);
                }
                catch (Exception e) when (e is IOException || e is InvalidOperationException || e is OperationCanceledException)
                {
                    if (_stop)
                    {
                        return;
                    }

                    Thread.Sleep(10);
                }
            }
        }

        private bool ReadFrame(byte[] frame)
        {
            int have = 0;
            while (have < frame.Length && !_stop)
            {
                try
                {
                    have += _port.Read(frame, have, frame.Length - have);
                }
                catch (TimeoutException)
                {
                    if (have > 0)
                    {
                        // A pause inside a frame ends it: what came is not a request.
                        return false;
                    }
                }
            }

            return have == frame.Length;
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join(2000);
            _port.Dispose();
        }
    }

    /// <summary>The device as a Modbus TCP server on loopback.</summary>
    public sealed class ModbusTcpServer : IDisposable
    {
        private readonly ModbusDevice _device;
        private readonly TcpListener _listener;
        private readonly Thread _thread;
        private volatile bool _stop;

        public ModbusTcpServer(ModbusDevice device, int port = 0)
        {
            _device = device;
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _thread = new Thread(Accept) { IsBackground = true, Name = "emulated reference TCP" };
            _thread.Start();
        }

        public int Port { get; }

        private void Accept()
        {
            while (!_stop)
            {
                TcpClient client;
                try
                {
                    client = _listener.AcceptTcpClient();
                }
                catch (SocketException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                new Thread(() => Serve(client)) { IsBackground = true, Name = "emulated reference TCP connection" }.Start();
            }
        }

        private void Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    NetworkStream stream = client.GetStream();
                    var header = new byte[7];
                    while (!_stop)
                    {
                        stream.ReadExactly(header);
                        int length = (header[4] << 8) | header[5];
                        if (length < 2 || length > 254)
                        {
                            return;
                        }

                        var pdu = new byte[length - 1];
                        stream.ReadExactly(pdu);
                        if (header[6] != _device.Unit && header[6] != 0xFF)
                        {
                            continue;
                        }

                        byte[]? answer = _device.Answer(pdu);
                        if (answer == null)
                        {
                            continue;
                        }

                        var frame = new byte[7 + answer.Length];
                        Array.Copy(header, frame, 4);
                        frame[4] = (byte)((answer.Length + 1) >> 8);
                        frame[5] = (byte)(answer.Length + 1);
                        frame[6] = header[6];
                        answer.CopyTo(frame, 7);
                        stream.Write(frame);
                    }
                }
                catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
                {
                    // The master went away.
                }
            }
        }

        public void Dispose()
        {
            _stop = true;
            _listener.Stop();
            _thread.Join(2000);
        }
    }
}
