"""Member enquiry portal: councillors raise enquiries for residents; co-ordinators route them."""
