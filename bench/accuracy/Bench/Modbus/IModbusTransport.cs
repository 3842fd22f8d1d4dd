using System;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>
    /// One Modbus link (RTU on a serial line, or TCP): sends a request PDU to a unit and returns the response PDU,
    /// after the link's own framing checks (RTU: address and CRC; TCP: MBAP header). Exception responses are returned
    /// as PDUs; the client interprets them.
    /// </summary>
    public interface IModbusTransport : IDisposable
    {
        /// <summary>What the link is, for errors and the report ("RTU /dev/ttyUSB0 9600 8N1", "TCP 192.168.1.20:502").</summary>
        string Description { get; }

        /// <summary>One request and its response; throws <see cref="ModbusException"/> (timeout, CRC, framing, link).</summary>
        byte[] Exchange(byte unit, byte[] requestPdu, TimeSpan timeout);
    }
}
