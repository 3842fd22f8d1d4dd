using System;

namespace AssetMeter.Bench.Modbus
{
    /// <summary>
    /// Protocol data units of the two reads a reference meter needs: FC03 read holding registers and FC04 read input
    /// registers (at most 125 registers), the same in RTU and TCP; and the checks on a response.
    /// </summary>
    public static class ModbusPdu
    {
        public const byte ReadHoldingRegisters = 0x03;
        public const byte ReadInputRegisters = 0x04;

        /// <summary>Most registers one read may ask for.</summary>
        public const int MaximumRegisters = 125;

        /// <summary>The request PDU: function, start address, register count (big-endian).</summary>
        public static byte[] ReadRequest(byte function, int address, int count)
        {
            if (function != ReadHoldingRegisters && function != ReadInputRegisters)
            {
                throw new ArgumentOutOfRangeException(nameof(function), "only FC03 and FC04 are read");
            }

            if (address < 0 || address > 0xFFFF || count < 1 || count > MaximumRegisters || address + count > 0x10000)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"registers {address}+{count} are not a valid read");
            }

            return new[] { function, (byte)(address >> 8), (byte)address, (byte)(count >> 8), (byte)count };
        }

        /// <summary>
        /// The registers of a response PDU to <paramref name="request"/>; throws <see cref="ModbusException"/> for an
        /// exception response or one that does not answer the request.
        /// </summary>
        public static ushort[] ParseReadResponse(ReadOnlySpan<byte> request, ReadOnlySpan<byte> response, string device)
        {
            byte function = request[0];
            int count = (request[3] << 8) | request[4];
            if (response.Length >= 2 && response[0] == (function | 0x80))
            {
                byte code = response[1];
                throw new ModbusException(ModbusFailure.ExceptionResponse,
                    $"{device} answered FC{function:X2} at register 0x{(request[1] << 8) | request[2]:X4} with exception {code} ({ModbusException.ExceptionName(code)})", code);
            }

            if (response.Length < 2 || response[0] != function)
            {
                throw new ModbusException(ModbusFailure.Framing, $"{device} answered FC{function:X2} with function {(response.Length > 0 ? response[0] : 0):X2}");
            }

            if (response[1] != count * 2 || response.Length != 2 + (count * 2))
            {
                throw new ModbusException(ModbusFailure.Framing, $"{device} answered a read of {count} registers with {response[1]} bytes");
            }

            var registers = new ushort[count];
            for (int i = 0; i < count; i++)
            {
                registers[i] = (ushort)((response[2 + (2 * i)] << 8) | response[3 + (2 * i)]);
            }

            return registers;
        }

        /// <summary>The length of a whole response PDU once its first two bytes are known (function, then exception code or byte count).</summary>
        public static int ResponseLength(byte function, byte second) => (function & 0x80) != 0 ? 2 : 2 + second;
    }

    /// <summary>32-bit values spread over two 16-bit registers, in the word orders reference meters use.</summary>
    public static class ModbusWords
    {
        /// <summary>IEEE-754 float32, high word first (Eastron SDM: "big-endian", ABCD).</summary>
        public static float Float32HighWordFirst(ushort first, ushort second)
            => BitConverter.Int32BitsToSingle((first << 16) | second);

        /// <summary>Signed 32-bit integer, low word first (Carlo Gavazzi EM24: "LSW first").</summary>
        public static int Int32LowWordFirst(ushort first, ushort second) => (second << 16) | first;

        /// <summary>Unsigned 32-bit integer, high word first.</summary>
        public static uint UInt32HighWordFirst(ushort first, ushort second) => ((uint)first << 16) | second;

        /// <summary>The two registers of a float32, high word first.</summary>
        public static (ushort First, ushort Second) FromFloat32(float value)
        {
            int bits = BitConverter.SingleToInt32Bits(value);
            return ((ushort)(bits >> 16), (ushort)bits);
        }

        /// <summary>The two registers of an int32, low word first.</summary>
        public static (ushort First, ushort Second) FromInt32LowWordFirst(int value) => ((ushort)value, (ushort)(value >> 16));
    }
}
