using System;
using AssetMeter.Bench.Modbus;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Bench.Tests
{
    [TestClass]
    public class ModbusProtocolTests
    {
        private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(1000);

        [TestMethod]
        public void Crc_of_the_specification_example_is_sent_low_byte_first()
        {
            // Read 10 holding registers of unit 1: the example frame of the Modbus serial-line guide, CRC C5 CD on the wire.
            var frame = new byte[] { 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0, 0 };
            ModbusCrc.Append(frame, 6);
            CollectionAssert.AreEqual(new byte[] { 0xC5, 0xCD }, frame[6..]);
            Assert.IsTrue(ModbusCrc.IsIntact(frame));
        }

        [TestMethod]
        public void Every_single_bit_error_in_a_frame_is_caught_by_its_crc()
        {
            Prop.ForAll<byte[], int>((body, bit) =>
            {
                var data = body.Length < 2 ? new byte[] { 1, (byte)body.Length } : body;
                var frame = new byte[data.Length + 2];
                data.CopyTo(frame, 0);
                ModbusCrc.Append(frame, data.Length);
                Assert.IsTrue(ModbusCrc.IsIntact(frame));
                int flip = (int)((uint)bit % (uint)(frame.Length * 8));
                frame[flip / 8] ^= (byte)(1 << (flip % 8));
                Assert.IsFalse(ModbusCrc.IsIntact(frame), "a flipped bit must break the CRC");
            }).Check(Many);
        }

        [TestMethod]
        public void Words_decode_in_each_meters_order()
        {
            Assert.AreEqual(200.0f, ModbusWords.Float32HighWordFirst(0x4348, 0x0000), "SDM float32, high word first");
            Assert.AreEqual(123456, ModbusWords.Int32LowWordFirst(0xE240, 0x0001), "EM24 INT32, low word first");
            Prop.ForAll<float>(f =>
            {
                (ushort a, ushort b) = ModbusWords.FromFloat32(f);
                float back = ModbusWords.Float32HighWordFirst(a, b);
                Assert.IsTrue(float.IsNaN(f) ? float.IsNaN(back) : back == f);
            }).Check(Many);
            Prop.ForAll<int>(i =>
            {
                (ushort a, ushort b) = ModbusWords.FromInt32LowWordFirst(i);
                Assert.AreEqual(i, ModbusWords.Int32LowWordFirst(a, b));
            }).Check(Many);
        }

        [TestMethod]
        public void A_response_that_does_not_answer_the_request_is_refused_with_a_reason()
        {
            byte[] request = ModbusPdu.ReadRequest(ModbusPdu.ReadInputRegisters, 0x48, 2);
            ushort[] registers = ModbusPdu.ParseReadResponse(request, new byte[] { 0x04, 4, 0x43, 0x48, 0, 0 }, "test");
            CollectionAssert.AreEqual(new ushort[] { 0x4348, 0 }, registers);

            var exception = Assert.ThrowsExactly<ModbusException>(() => ModbusPdu.ParseReadResponse(request, new byte[] { 0x84, 0x02 }, "test"));
            Assert.AreEqual(ModbusFailure.ExceptionResponse, exception.Failure);
            StringAssert.Contains(exception.Message, "illegal data address");
            Assert.AreEqual(ModbusFailure.Framing, Assert.ThrowsExactly<ModbusException>(() => ModbusPdu.ParseReadResponse(request, new byte[] { 0x03, 4, 0, 0, 0, 0 }, "test")).Failure);
            Assert.AreEqual(ModbusFailure.Framing, Assert.ThrowsExactly<ModbusException>(() => ModbusPdu.ParseReadResponse(request, new byte[] { 0x04, 2, 0, 0 }, "test")).Failure);
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ModbusPdu.ReadRequest(ModbusPdu.ReadInputRegisters, 0, 126));
        }
    }
}
