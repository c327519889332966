"""Email: messages from templates, sent through the job table by SMTP or into var/mail."""
