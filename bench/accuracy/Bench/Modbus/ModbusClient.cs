using System;
using System.Collections.Generic;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>
    /// A Modbus master for one device: FC03 and FC04 reads with a timeout and retries. A timeout, a CRC error, a garbled
    /// answer, a link failure and the "busy" and "acknowledge" exceptions are retried; other exception responses are
    /// the device's answer and are not. What failed on the way is kept for the report.
    /// </summary>
    public sealed class ModbusClient
    {
        private readonly IModbusTransport _transport;
        private readonly List<string> _retried = new();

        public ModbusClient(IModbusTransport transport, byte unit)
        {
            _transport = transport;
            Unit = unit;
        }

        public byte Unit { get; }

        /// <summary>How long to wait for each answer.</summary>
        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

        /// <summary>How many times a failed exchange is tried again.</summary>
        public int Retries { get; init; } = 2;

        public string Description => $"unit {Unit} on {_transport.Description}";

        /// <summary>Failures that a retry overcame (or not), newest last.</summary>
        public IReadOnlyList<string> RetriedFailures => _retried;

        public ushort[] ReadInputRegisters(int address, int count) => Read(ModbusPdu.ReadInputRegisters, address, count);

        public ushort[] ReadHoldingRegisters(int address, int count) => Read(ModbusPdu.ReadHoldingRegisters, address, count);

        public ushort[] Read(byte function, int address, int count)
        {
            byte[] request = ModbusPdu.ReadRequest(function, address, count);
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    byte[] response = _transport.Exchange(Unit, request, Timeout);
                    return ModbusPdu.ParseReadResponse(request, response, Description);
                }
                catch (ModbusException e) when (attempt < Retries && Retryable(e))
                {
                    _retried.Add(e.Message);
                }
            }
        }

        private static bool Retryable(ModbusException e)
            => e.Failure != ModbusFailure.ExceptionResponse || e.ExceptionCode == 5 || e.ExceptionCode == 6;
    }
}
