using System;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>Why a Modbus exchange failed.</summary>
    public enum ModbusFailure
    {
        /// <summary>No (complete) response within the timeout: the device is absent, off, at another address or baud rate.</summary>
        Timeout,

        /// <summary>A response arrived with a wrong CRC (noise on the RS-485 pair, wrong baud rate or parity, a second master).</summary>
        Crc,

        /// <summary>A response that is not an answer to the request: wrong address, function, length or transaction.</summary>
        Framing,

        /// <summary>The device answered with a Modbus exception code.</summary>
        ExceptionResponse,

        /// <summary>The link itself failed: serial port missing, TCP connection refused or lost.</summary>
        Link,
    }

    /// <summary>A Modbus exchange that failed after its retries, with what the bench engineer needs to fix it.</summary>
    public sealed class ModbusException : Exception
    {
        public ModbusException(ModbusFailure failure, string message, byte exceptionCode = 0, Exception? inner = null)
            : base(message, inner)
        {
            Failure = failure;
            ExceptionCode = exceptionCode;
        }

        public ModbusFailure Failure { get; }

        /// <summary>The device's exception code when <see cref="Failure"/> is <see cref="ModbusFailure.ExceptionResponse"/>.</summary>
        public byte ExceptionCode { get; }

        /// <summary>The standard name of a Modbus exception code (Modbus Application Protocol v1.1b3, section 7).</summary>
        public static string ExceptionName(byte code) => code switch
        {
            1 => "illegal function",
            2 => "illegal data address",
            3 => "illegal data value",
            4 => "server device failure",
            5 => "acknowledge",
            6 => "server device busy",
            8 => "memory parity error",
            0x0A => "gateway path unavailable",
            0x0B => "gateway target device failed to respond",
            _ => "exception code " + code,
        };
    }
}
