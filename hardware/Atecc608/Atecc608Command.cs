namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Word addresses, opcodes, modes and sizes of the ATECC608 I2C protocol, from Microchip CryptoAuthLib
    /// (lib/calib/calib_command.h, calib_basic.c, calib_execution.c at commit 788acf6) and the Linux atmel-i2c driver.
    /// </summary>
    internal static class Atecc608Command
    {
        // Word address: the first byte of every write (CryptoAuthLib calib_idle/calib_sleep/calib_execute_command).
        /// <summary>Word address 0x00: reset the I/O buffer's address counter.</summary>
        public const byte WordReset = 0x00;

        /// <summary>Word address 0x01: sleep (volatile state, TempKey and the message digest buffer, is lost).</summary>
        public const byte WordSleep = 0x01;

        /// <summary>Word address 0x02: idle (volatile state kept, watchdog stopped).</summary>
        public const byte WordIdle = 0x02;

        /// <summary>Word address 0x03: a command packet follows.</summary>
        public const byte WordCommand = 0x03;

        // Opcodes (calib_command.h).
        public const byte OpRead = 0x02;
        public const byte OpNonce = 0x16;
        public const byte OpRandom = 0x1B;
        public const byte OpInfo = 0x30;
        public const byte OpGenKey = 0x40;
        public const byte OpSign = 0x41;
        public const byte OpVerify = 0x45;

        // Modes (param1) and param2 values.
        /// <summary>Info mode 0: the 4-byte revision.</summary>
        public const byte InfoRevision = 0x00;

        /// <summary>Random mode 0: update the RNG seed if needed (CryptoAuthLib RANDOM_SEED_UPDATE).</summary>
        public const byte RandomSeedUpdate = 0x00;

        /// <summary>Read zone 0 (config); OR 0x80 for 32 bytes instead of 4.</summary>
        public const byte ZoneConfig = 0x00;

        /// <summary>Read/Write: 32 bytes instead of 4.</summary>
        public const byte ZoneSize32 = 0x80;

        /// <summary>Nonce: pass-through (3) of 32 bytes (bit 5 clear) into the message digest buffer (target 0x40).</summary>
        public const byte NoncePassThroughToMessageDigestBuffer = 0x03 | 0x40;

        /// <summary>Sign: external message (0x80) taken from the message digest buffer (0x20).</summary>
        public const byte SignExternalFromMessageDigestBuffer = 0x80 | 0x20;

        /// <summary>GenKey: compute the public key of the private key in a slot.</summary>
        public const byte GenKeyPublic = 0x00;

        /// <summary>GenKey: create a new private key in a slot and return its public key.</summary>
        public const byte GenKeyPrivate = 0x04;

        /// <summary>Verify: external public key (2), message from the message digest buffer (0x20).</summary>
        public const byte VerifyExternalFromMessageDigestBuffer = 0x02 | 0x20;

        /// <summary>Verify param2 in external mode: the key type, P-256 (VERIFY_KEY_P256).</summary>
        public const int VerifyKeyP256 = 0x0004;

        /// <summary>Config zone word (block 2, word 5: bytes 84–87: UserExtra, UserExtraAdd, LockValue, LockConfig).</summary>
        public const int LockWordAddress = 0x15;

        /// <summary>Value of LockValue and LockConfig while the zone is unlocked.</summary>
        public const byte Unlocked = 0x55;

        // Packet sizes.
        /// <summary>Count, opcode, param1, param2 (2), CRC (2): a packet without data.</summary>
        public const int PacketOverhead = 7;

        /// <summary>A status response: count 4, status byte, CRC (2).</summary>
        public const int StatusResponseLength = 4;

        /// <summary>The largest response the chip sends (GenKey/Verify with a MAC: 72 bytes + 3).</summary>
        public const int MaxResponseLength = 75;

        /// <summary>The largest command this driver sends: Verify external, 7 + 64 + 64.</summary>
        public const int MaxCommandLength = 135;

        /// <summary>
        /// Milliseconds to wait before the first poll for a response: the ATECC608 execution times at the default
        /// clock divider (CryptoAuthLib device_execution_time_608_m0).
        /// </summary>
        public static int FirstPollMilliseconds(byte opcode)
        {
            switch (opcode)
            {
                case OpRead: return 5;
                case OpNonce: return 20;
                case OpRandom: return 23;
                case OpInfo: return 5;
                case OpGenKey: return 115;
                case OpSign: return 115;
                case OpVerify: return 105;
                default: return 5;
            }
        }

        /// <summary>
        /// Milliseconds after which a chip still busy counts as a timeout: the execution times at the slowest clock
        /// divider M2 (CryptoAuthLib device_execution_time_608_m2) plus 20 ms.
        /// </summary>
        public static int LastPollMilliseconds(byte opcode)
        {
            switch (opcode)
            {
                case OpRead: return 25;
                case OpNonce: return 40;
                case OpRandom: return 43;
                case OpInfo: return 25;
                case OpGenKey: return 673;
                case OpSign: return 685;
                case OpVerify: return 1105;
                default: return 25;
            }
        }
    }
}
